from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab.actions._common import ensure_stage_allows


def actor(user):
    return user if getattr(user, "pk", None) else None


def may_work_in(user, unit) -> bool:
    """Who works on a unit's innovations, and starts them (``Access.works_on_innovations_of``)."""
    return get_access(user).works_on_innovations_of(unit)


def ensure_works_in(user, unit) -> None:
    if not may_work_in(user, unit):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s, or the coordinator, may do this.")
            % {"unit": unit}
        )


def may_work_on(user, innovation) -> bool:
    return may_work_in(user, innovation.enrolment.unit)


def ensure_works_on(user, innovation) -> None:
    ensure_works_in(user, innovation.enrolment.unit)


__all__ = [
    "actor",
    "clean_or_refuse",
    "ensure_stage_allows",
    "ensure_works_in",
    "ensure_works_on",
    "may_work_in",
    "may_work_on",
]


def clean_or_refuse(obj, exclude=None) -> None:
    try:
        obj.full_clean(exclude=exclude)
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise ActionError(" ".join(errors), field=None if field == "__all__" else field) from exc
