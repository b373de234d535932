"""The audit trail's one writer. Every action in every app calls ``record_event`` inside
its own transaction, so a change and its audit event commit or roll back together."""

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils.translation import gettext_lazy

from labinov.core.models import AuditEvent

AUDIT_ACTIONS = {
    "installation.restored": gettext_lazy("Installation restored from a backup"),
}


def _actor_name(acting_user) -> str:
    if acting_user is None or not acting_user.is_authenticated:
        return "anonim"
    return acting_user.get_full_name() or acting_user.get_username()


def record_event(
    *,
    acting_user,
    action: str,
    obj: models.Model | None = None,
    region=None,
    unit=None,
    details: dict | None = None,
) -> AuditEvent:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must run inside the action's transaction")
    actor = acting_user if isinstance(acting_user, models.Model) else None
    if unit is not None and region is None:
        region = unit.region
    return AuditEvent.objects.create(
        actor=actor,
        actor_repr=_actor_name(acting_user),
        action=action,
        object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:300] if obj is not None else "",
        region=region,
        unit=unit,
        details=details or {},
    )
