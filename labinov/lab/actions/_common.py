from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.accounts.models import Role
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab.models import Enrolment
from labinov.lab.stages import WORK_LABELS, Subject, Work, get_stage, reached, stages_allowing


def ensure_manages(acting_user, programme_or_region) -> None:
    region = getattr(programme_or_region, "region", programme_or_region)
    if not get_access(acting_user).manages_region(region.pk):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may manage its lab programmes.")
            % {"region": region}
        )


def ensure_unit_head(acting_user, enrolment) -> None:
    access = get_access(acting_user)
    if not (access.is_platform_admin or access.has_unit_role(enrolment.unit_id, {Role.UNIT_HEAD})):
        raise NotAllowed(_("Only the head of %(unit)s may do this.") % {"unit": enrolment.unit})


def ensure_works_in(acting_user, enrolment) -> None:
    access = get_access(acting_user)
    if not (
        access.is_platform_admin
        or access.has_unit_role(enrolment.unit_id, {Role.UNIT_HEAD, Role.TEAM_MEMBER})
    ):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s may change its work.")
            % {"unit": enrolment.unit}
        )


def ensure_stage_allows(enrolment, work: Work) -> None:
    """Refuse work that the enrolment's current stage does not allow. The enrolment's row
    is locked and its stage read again, so a gate decided at the same moment cannot let a
    change slip past it."""
    stage_key = (
        Enrolment.objects.select_for_update().values_list("stage", flat=True).get(pk=enrolment.pk)
    )
    enrolment.stage = stage_key
    if enrolment.allows(work):
        return
    stage = get_stage(stage_key)
    open_in = stages_allowing(Subject.ENROLMENT, work)
    names = {"work": WORK_LABELS[work], "unit": enrolment.unit, "stage": stage.label}
    if open_in and reached(stage_key, open_in[-1].key):
        raise ActionError(
            _(
                "%(work)s can no longer be changed: %(unit)s has passed that stage and is in "
                "%(stage)s. A coach can reopen the earlier stage, with a reason."
            )
            % names
        )
    raise ActionError(_("%(work)s cannot be changed while %(unit)s is in %(stage)s.") % names)


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
