from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab.stages import Work
from labinov.lab.subjects import lock_message, subject_of


def ensure_manages(acting_user, programme_or_region) -> None:
    region = getattr(programme_or_region, "region", programme_or_region)
    if not get_access(acting_user).manages_region(region.pk):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may manage its lab programmes.")
            % {"region": region}
        )


def ensure_unit_head(acting_user, enrolment) -> None:
    access = get_access(acting_user)
    if not (access.is_platform_admin or access.heads(enrolment.unit_id)):
        raise NotAllowed(_("Only the head of %(unit)s may do this.") % {"unit": enrolment.unit})


def ensure_works_in(acting_user, enrolment) -> None:
    access = get_access(acting_user)
    if not (access.is_platform_admin or access.is_on_team(enrolment.unit_id)):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s may change its work.")
            % {"unit": enrolment.unit}
        )


def ensure_stage_allows(subject, work: Work) -> None:
    """Refuse work that the subject's current stage does not allow (asked of the stage
    declaration), with a message saying why; for every kind of subject (a unit's enrolment,
    an innovation). The subject's row is locked and its stage read again, so a gate decided
    at the same moment cannot let a change slip past it."""
    subject_of(subject).lock_stage(subject)
    message = lock_message(subject, work)
    if message:
        raise ActionError(message)


def ensure_reads(acting_user, enrolment) -> None:
    access = get_access(acting_user)
    if not (
        access.reads_region(enrolment.programme.region_id) or enrolment.unit_id in access.unit_ids()
    ):
        raise NotAllowed(_("You may not see the work of this unit."))


def clean_or_refuse(obj) -> None:
    """full_clean, with the first problem raised as an ActionError naming its field."""
    try:
        obj.full_clean()
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise ActionError(" ".join(errors), field=None if field == "__all__" else field) from exc
