import logging

from django.db import connection
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import paginate

from labinov.core.api_support import ApiError, Pagination, require_login
from labinov.regions.selectors import audit_events_visible_to

logger = logging.getLogger(__name__)
router = Router(tags=["core"])


class HealthOut(Schema):
    status: str
    database: str


@router.get("/health", response=HealthOut, auth=None, summary="Is the service up?")
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        logger.warning("health check: the database cannot be reached: %r", exc)
        raise ApiError(503, _("The database cannot be reached."), "database_unreachable") from exc
    return {"status": "ok", "database": connection.vendor}


class AuditEventOut(Schema):
    id: int
    created_at: str
    actor: str
    action: str
    object: str
    region: str | None
    unit: str | None
    details: dict

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_actor(obj):
        return obj.actor_repr

    @staticmethod
    def resolve_object(obj):
        return obj.object_repr

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit else None


@router.get("/audit-events", response=list[AuditEventOut], summary="The audit trail you may read")
@paginate(Pagination)
def list_audit_events(request, region: str | None = None, action: str | None = None):
    user = require_login(request)
    qs = audit_events_visible_to(user)
    if region:
        qs = qs.filter(region__code=region)
    if action:
        qs = qs.filter(action=action)
    return qs
