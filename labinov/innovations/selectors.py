"""Reads of innovations. Every view, endpoint and export goes through these.

The public (and anyone outside the region) sees an innovation only once it is published,
which happens when its display gate is passed. Before that, only the region's coordinators,
leaders, coaches and assessors and the unit's own people see it.
"""

import datetime

from django.db.models import Case, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from labinov.accounts.access import REGION_MANAGERS, get_access
from labinov.innovations.models import Expo, Innovation, JuryScore
from labinov.lab.models import Enrolment, GateDecision, LabProgramme
from labinov.lab.stages import Subject, Work, exhibited_keys, keys_allowing


def _base() -> QuerySet[Innovation]:
    return Innovation.objects.select_related(
        "enrolment__unit", "enrolment__programme__region", "idea__problem"
    )


def innovations_visible_to(user) -> QuerySet[Innovation]:
    qs = _base()
    access = get_access(user)
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(published_at__isnull=False)
        | Q(enrolment__programme__region_id__in=access.region_ids())
        | Q(enrolment__unit_id__in=access.unit_ids())
    )


def enrolments_to_start_innovations(user) -> QuerySet[Enrolment]:
    """The enrolments whose stage lets them start innovations and in which ``user`` may
    start one (``Access.works_on_innovations_of`` as a query), the current programme's first:
    where they are the unit's head or team, the units of the regions they coordinate; all
    for a platform administrator."""
    access = get_access(user)
    if not access.is_authenticated:
        return Enrolment.objects.none()
    qs = (
        Enrolment.objects.select_related("unit__region", "programme")
        .filter(stage__in=keys_allowing(Subject.ENROLMENT, Work.START_INNOVATIONS))
        .annotate(
            not_running=Case(
                When(programme__status=LabProgramme.Status.RUNNING, then=Value(0)),
                default=Value(1),
            )
        )
        # The current programme first: running before drafted or closed, then the newest.
        .order_by("not_running", "-programme__year", "-programme_id", "unit__name")
    )
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(unit_id__in=access.team_unit_ids())
        | Q(unit__region_id__in=access.region_ids(REGION_MANAGERS))
    )


def reads_work(user, innovation: Innovation) -> bool:
    """May this person read the whole record (design, plan, delivery), not only the summary?"""
    access = get_access(user)
    return access.reads_unit(innovation.enrolment.unit)


def approved_decisions():
    return GateDecision.objects.filter(decision=GateDecision.Decision.APPROVED).order_by(
        "decided_at", "id"
    )


def with_approvals(qs):
    """Innovations with their approved gate decisions read in one more query (for
    ``days_in_stages`` over a whole list: the dashboard's time in each stage)."""
    return qs.prefetch_related(
        Prefetch("gate_decisions", queryset=approved_decisions(), to_attr="approved_decisions")
    )


def days_in_stages(innovation: Innovation, *, now: datetime.datetime | None = None) -> dict:
    """Days spent in each stage, from the approved gate decisions (and the creation date)."""
    now = now or timezone.now()
    prefetched = getattr(innovation, "approved_decisions", None)
    if prefetched is not None:  # with_approvals() read them with the list, in one query
        approvals = [(d.from_stage, d.decided_at) for d in prefetched]
    else:
        approvals = list(
            approved_decisions()
            .filter(innovation=innovation)
            .values_list("from_stage", "decided_at")
        )
    spent = {}
    entered = innovation.created_at
    for from_stage, decided_at in approvals:
        spent[from_stage] = spent.get(from_stage, 0) + max((decided_at - entered).days, 0)
        entered = decided_at
    if innovation.documented_at is None:
        spent[innovation.stage] = spent.get(innovation.stage, 0) + max((now - entered).days, 0)
    return spent


#: An innovation is stuck when it has stayed in one stage longer than this.
STUCK_AFTER_DAYS = 60


def expo_ranking(expo) -> list[dict]:
    """Innovations of an expo ranked by the average of their jurors' weighted totals."""
    rows: dict[int, dict] = {}
    for s in JuryScore.objects.filter(expo=expo).select_related("innovation__enrolment__unit"):
        row = rows.setdefault(s.innovation_id, {"innovation": s.innovation, "totals": []})
        row["totals"].append(s.total)
    ranked = []
    for row in rows.values():
        n = len(row["totals"])
        ranked.append(
            {
                "innovation": row["innovation"],
                "jurors": n,
                "average": round(sum(row["totals"]) / n, 2),
            }
        )
    ranked.sort(key=lambda r: (-r["average"], r["innovation"].name))
    for rank, row in enumerate(ranked, start=1):
        row["rank"] = rank
    return ranked


def expo_entries(expo) -> QuerySet[Innovation]:
    """The programme's innovations that reached display."""
    return _base().filter(enrolment__programme=expo.programme, stage__in=exhibited_keys())


def expos_visible_to(user) -> QuerySet:
    """The expos whose scores and ranking a person sees: the region's people who read its
    work (coordinator, leader, coach, assessor), the expo's own jury, a platform
    administrator."""
    access = get_access(user)
    qs = Expo.objects.select_related("programme__region", "best")
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(programme__region_id__in=access.region_ids()) | Q(jurors=getattr(user, "pk", None))
    ).distinct()
