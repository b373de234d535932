from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import field_validator

from labinov.accounts import actions, notify
from labinov.accounts.access import get_access
from labinov.accounts.models import Role, RoleAssignment
from labinov.accounts.selectors import (
    notifications_of,
    role_assignments_visible_to,
    roles_of,
    tokens_of,
)
from labinov.core.api_support import (
    MAX_ID,
    ApiError,
    Pagination,
    error_responses,
    require_login,
)
from labinov.regions.selectors import regions_visible_to, units_visible_to

router = Router(tags=["accounts"])


class RoleOut(Schema):
    role: str
    role_label: str
    region: str | None = None
    region_name: str | None = None
    unit_id: int | None = None
    unit: str | None = None

    @staticmethod
    def resolve_role_label(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_region(obj):
        return obj.region.code if obj.region else None

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name if obj.region else None

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name if obj.unit else None


class MeOut(Schema):
    username: str
    name: str
    email: str | None
    is_platform_admin: bool
    roles: list[RoleOut]


@router.get("/me", response=MeOut, summary="Who am I, and which roles do I hold?")
def me(request):
    user = require_login(request)
    return {
        "username": user.username,
        "name": user.get_full_name(),
        "email": user.email,
        "is_platform_admin": get_access(user).is_platform_admin,
        "roles": list(roles_of(user)),
    }


class PersonRoleOut(RoleOut):
    id: int
    username: str
    name: str

    @staticmethod
    def resolve_username(obj):
        return obj.user.username

    @staticmethod
    def resolve_name(obj):
        return obj.user.get_full_name() or obj.user.username


@router.get("/people", response=list[PersonRoleOut], summary="People and their roles")
@paginate(Pagination)
def list_people(
    request, region: str | None = None, unit: int | None = Query(None, ge=1, le=MAX_ID)
):
    """The roles held in the regions and units you may read (not public)."""
    user = require_login(request)
    qs = role_assignments_visible_to(user).order_by("region__code", "unit__name", "role", "id")
    if region:
        qs = qs.filter(region__code=region)
    if unit:
        qs = qs.filter(unit_id=unit)
    return qs


class InviteIn(Schema):
    email: str
    first_name: str
    last_name: str = ""
    position: str = ""
    role: Role
    unit_id: int | None = None

    @field_validator("email")
    @classmethod
    def _valid_email(cls, value: str) -> str:
        try:
            validate_email(value)
        except DjangoValidationError as exc:
            raise ValueError(_("Enter a valid e-mail address.")) from exc
        return value.strip()


@router.post(
    "/regions/{code}/people", response={201: PersonRoleOut}, summary="Give a person a role"
)
def invite_person(request, code: str, payload: InviteIn):
    """Gives the role; a person without an account gets one and an e-mail to set a password."""
    user = require_login(request)
    region = get_object_or_404(regions_visible_to(user), code=code)
    unit = None
    if payload.unit_id is not None:
        unit = get_object_or_404(units_visible_to(user, region=region), pk=payload.unit_id)
    person = actions.invite_person(
        acting_user=user,
        email=payload.email,
        first_name=payload.first_name,
        last_name=payload.last_name,
        position=payload.position,
        role=payload.role,
        region=region,
        unit=unit,
        request=request,
    )
    assignment = RoleAssignment.objects.select_related("user", "region", "unit").get(
        user=person, role=payload.role, region=region, unit=unit
    )
    return Status(201, assignment)


@router.post("/people/{assignment_id}/revoke", response={204: None}, summary="Take a role away")
def revoke_role(request, assignment_id: int):
    user = require_login(request)
    assignment = get_object_or_404(role_assignments_visible_to(user), pk=assignment_id)
    actions.revoke_role(acting_user=user, assignment=assignment)
    return Status(204, None)


class TokenOut(Schema):
    id: int
    name: str
    key_prefix: str
    created_at: str
    expires_at: str
    last_used_at: str | None
    revoked_at: str | None

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_expires_at(obj):
        return obj.expires_at.isoformat()

    @staticmethod
    def resolve_last_used_at(obj):
        return obj.last_used_at.isoformat() if obj.last_used_at else None

    @staticmethod
    def resolve_revoked_at(obj):
        return obj.revoked_at.isoformat() if obj.revoked_at else None


class TokenIn(Schema):
    name: str
    days: int | None = Field(
        None,
        ge=1,
        le=MAX_ID,
        description="Days the token is valid: at most the installation's maximum "
        "(LABINOV_API_TOKEN_MAX_DAYS, 365 unless set); LABINOV_API_TOKEN_DAYS (90) if omitted.",
    )


class NewTokenOut(TokenOut):
    token: str


@router.get("/tokens", response=list[TokenOut], summary="Your API tokens")
@paginate(Pagination)
def list_tokens(request):
    return tokens_of(require_login(request))


@router.post("/tokens", response={201: NewTokenOut}, summary="Create an API token")
def create_token(request, payload: TokenIn):
    """The token is in the answer once; only its hash is kept."""
    token, raw = actions.create_api_token(
        acting_user=require_login(request), name=payload.name, days=payload.days
    )
    token.token = raw
    return Status(201, token)


@router.post("/tokens/{token_id}/revoke", response=TokenOut, summary="Revoke an API token")
def revoke_token(request, token_id: int):
    user = require_login(request)
    token = get_object_or_404(tokens_of(user), pk=token_id)
    return actions.revoke_api_token(acting_user=user, token=token)


class NotificationOut(Schema):
    id: int
    kind: str
    text: str
    url: str
    created_at: str
    read_at: str | None = None

    @staticmethod
    def resolve_created_at(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_read_at(obj):
        return obj.read_at.isoformat() if obj.read_at else None


@router.get(
    "/notifications", response=list[NotificationOut], summary="My notifications, newest first"
)
@paginate(Pagination)
def list_notifications(request, unread: bool = False):
    """Only the caller's own notifications; ``unread=true`` keeps the unread ones."""
    qs = notifications_of(require_login(request))
    return qs.filter(read_at__isnull=True) if unread else qs


class MarkReadIn(Schema):
    ids: list[int] = Field(default_factory=list, max_length=500)
    all: bool = False

    @field_validator("ids")
    @classmethod
    def _in_range(cls, value):
        if any(not 0 < i <= MAX_ID for i in value):
            raise ValueError("ids are positive numbers")
        return value


class MarkedOut(Schema):
    marked: int
    unread: int


@router.post(
    "/notifications/mark-read",
    response=MarkedOut,
    summary="Mark my notifications read",
    openapi_extra=error_responses(404),  # an id in the body that is not the caller's
)
def mark_notifications_read(request, payload: MarkReadIn):
    """Marks the notifications ``ids`` (or ``all``) read. A number that is not one of the
    caller's own notifications answers 404 and marks nothing."""
    user = require_login(request)
    if not payload.all:
        wanted = set(payload.ids)
        if not wanted:
            raise ApiError(400, _("Choose the notifications to mark as read."), "invalid")
        if notifications_of(user).filter(pk__in=wanted).count() != len(wanted):
            raise ApiError(404, _("There is no such notification of yours."), "not_found")
    marked = notify.mark_read(acting_user=user, ids=payload.ids, every=payload.all)
    return {
        "marked": marked,
        "unread": notifications_of(user).filter(read_at__isnull=True).count(),
    }
