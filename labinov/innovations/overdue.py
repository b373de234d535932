"""Overdue milestones, notified once: a unit still in a stage after the programme's plan
says it ends (``lab/plan.py``'s StagePlan), and an innovation's action-plan step past its
end and not finished. Run daily by the task workers' schedule (``innovations/schedule.py``)
and by ``labinov notify-overdue``; each is told once per person (``Notification.key``
names it, with its date, so a moved date is told again)."""

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from labinov.accounts import notify
from labinov.accounts.models import UNIT_ROLES, Notification, RoleAssignment
from labinov.innovations.models import Milestone
from labinov.lab.models import Enrolment, LabProgramme


def _people_by_unit(unit_ids) -> dict[int, set[int]]:
    people: dict[int, set[int]] = {}
    for unit_id, user_id in RoleAssignment.objects.filter(
        unit_id__in=unit_ids, role__in=UNIT_ROLES
    ).values_list("unit_id", "user_id"):
        people.setdefault(unit_id, set()).add(user_id)
    return people


def _day(value: datetime.date) -> str:
    return formats.date_format(value, "j F Y")


@transaction.atomic
def notify_overdue(*, today: datetime.date | None = None) -> int:
    """Notify the unit's head and team of what is overdue today; answers how many
    notifications were written (0 on a second run the same day)."""
    today = today or timezone.localdate()
    written = 0
    late_units = []
    enrolments = (
        Enrolment.objects.filter(programme__status=LabProgramme.Status.RUNNING)
        .select_related("unit", "programme")
        .prefetch_related("programme__plan_rows")
    )
    for enrolment in enrolments:
        end = enrolment.programme.planned(enrolment.stage)[1]
        if end is not None and end < today:
            late_units.append((enrolment, end))
    milestones = list(
        Milestone.objects.filter(end__lt=today, progress__lt=100)
        .filter(Q(innovation__documented_at__isnull=True))
        .exclude(innovation__enrolment__programme__status=LabProgramme.Status.CLOSED)
        .select_related("innovation__enrolment__unit")
    )
    people = _people_by_unit(
        {e.unit_id for e, _end in late_units} | {m.innovation.enrolment.unit_id for m in milestones}
    )
    with translation.override(settings.LANGUAGE_CODE):
        for enrolment, end in late_units:
            written += notify.notify(
                people.get(enrolment.unit_id, ()),
                kind=Notification.Kind.OVERDUE,
                text=_(
                    "%(unit)s is still in %(stage)s, which the plan of %(programme)s ended "
                    "on %(end)s."
                )
                % {
                    "unit": enrolment.unit,
                    "stage": enrolment.get_stage_display(),
                    "programme": enrolment.programme,
                    "end": _day(end),
                },
                url=enrolment.get_absolute_url(),
                key=f"stage-late:{enrolment.pk}:{enrolment.stage}:{end.isoformat()}",
            )
        for m in milestones:
            innovation = m.innovation
            written += notify.notify(
                people.get(innovation.enrolment.unit_id, ()),
                kind=Notification.Kind.OVERDUE,
                text=_(
                    "The step “%(step)s” of %(innovation)s was due on %(end)s and is at "
                    "%(progress)s%%."
                )
                % {
                    "step": m.title,
                    "innovation": innovation.name,
                    "end": _day(m.end),
                    "progress": m.progress,
                },
                url=innovation.get_absolute_url(),
                key=f"milestone-late:{m.pk}:{m.end.isoformat()}",
            )
    return written
