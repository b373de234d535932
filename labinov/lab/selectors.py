"""Reads of programmes and their units' work. Every view and endpoint goes through these.

A public programme shows its title, dates, enrolled units and their stage to anyone.
The work inside a unit (pact, team, problems, scores, ideas, comments, decisions) is read
by the region's coordinators, leaders, coaches and assessors and by the unit's own people.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core.errors import NotAllowed
from labinov.core.models import AuditEvent
from labinov.lab.models import (
    Commitment,
    Enrolment,
    GateDecision,
    Idea,
    LabProgramme,
    Problem,
    ReadinessAssessment,
    Team,
    TeamMember,
    UsgScore,
)
from labinov.lab.stages import STAGE_KEYS, STAGES, stage_index
from labinov.lab.subjects import subject_of


def programmes_visible_to(user) -> QuerySet[LabProgramme]:
    """With the plan's rows prefetched: ``planned`` and ``plan`` then ask no query."""
    qs = LabProgramme.objects.select_related("region").prefetch_related("plan_rows")
    access = get_access(user)
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(is_public=True)
        | Q(region_id__in=access.region_ids())
        | Q(enrolments__unit_id__in=access.unit_ids())
    ).distinct()


def enrolments_visible_to(user, *, programme: LabProgramme | None = None) -> QuerySet[Enrolment]:
    qs = Enrolment.objects.select_related("unit", "programme", "programme__region")
    if programme is not None:
        qs = qs.filter(programme=programme)
    access = get_access(user)
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(programme__is_public=True)
        | Q(programme__region_id__in=access.region_ids())
        | Q(unit_id__in=access.unit_ids())
    )


def reads_workspace(user, enrolment: Enrolment) -> bool:
    """May this person read the unit's lab work (not only its name and stage)?"""
    access = get_access(user)
    return access.reads_region(enrolment.programme.region_id) or enrolment.unit_id in (
        access.unit_ids()
    )


def works_in(user, enrolment: Enrolment) -> bool:
    """Is this person one of the unit's own people (head or team member)?"""
    access = get_access(user)
    return access.is_platform_admin or enrolment.unit_id in access.unit_ids()


def readable_enrolment(user, pk) -> Enrolment:
    """The enrolment whose work ``user`` may read, as the pages and the API both look it
    up: 404 when they may not see it at all, ``NotAllowed`` (403) when they see only its
    name and stage (a public programme)."""
    enrolment = get_object_or_404(enrolments_visible_to(user), pk=pk)
    if not reads_workspace(user, enrolment):
        raise NotAllowed(_("You may not see the work of this unit."))
    return enrolment


def workspaces_visible_to(user) -> QuerySet[Enrolment]:
    """Enrolments whose work this person may read."""
    access = get_access(user)
    qs = Enrolment.objects.select_related("unit", "programme", "programme__region")
    if access.is_platform_admin:
        return qs
    return qs.filter(
        Q(programme__region_id__in=access.region_ids()) | Q(unit_id__in=access.unit_ids())
    )


def current_workspaces(user) -> list[Enrolment]:
    """The workspace of each unit the person works in (head or team member), in the
    unit's current programme: a running one before a prepared or closed one, then the
    newest. One query, whatever the number of units and programmes."""
    access = get_access(user)
    qs = (
        Enrolment.objects.select_related("unit", "programme", "programme__region")
        .filter(unit_id__in=access.team_unit_ids())
        .annotate(
            not_running=Case(
                When(programme__status=LabProgramme.Status.RUNNING, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("unit__name", "unit_id", "not_running", "-programme__year", "-programme_id")
    )
    current: dict[int, Enrolment] = {}
    for enrolment in qs:
        current.setdefault(enrolment.unit_id, enrolment)
    return list(current.values())


def current_workspace_of(user, unit) -> Enrolment | None:
    """The unit's workspace in its current programme, if the person reads its work."""
    if not get_access(user).reads_unit(unit):
        return None
    return (
        workspaces_visible_to(user)
        .filter(unit=unit)
        .annotate(
            not_running=Case(
                When(programme__status=LabProgramme.Status.RUNNING, then=Value(0)),
                default=Value(1),
            )
        )
        .order_by("not_running", "-programme__year", "-programme_id")
        .first()
    )


def problems_visible_to(user) -> QuerySet[Problem]:
    return Problem.objects.select_related("enrolment__unit", "enrolment__programme").filter(
        enrolment__in=workspaces_visible_to(user)
    )


def decisions_of(subject) -> QuerySet[GateDecision]:
    """The subject's own gate decisions (a unit's enrolment, an innovation), newest first.
    The caller has checked that the person reads the subject's work."""
    handler = subject_of(subject)
    return GateDecision.objects.filter(**{handler.decision_field: subject}).order_by(
        "-decided_at", "-id"
    )


def usg_ranking(enrolment: Enrolment) -> list[dict]:
    """Problems ranked by the total of the averages of U, S and G over the scorers."""
    rows = []
    scores: dict[int, list[UsgScore]] = {}
    for s in UsgScore.objects.filter(problem__enrolment=enrolment):
        scores.setdefault(s.problem_id, []).append(s)
    for problem in enrolment.problems.all():
        mine = scores.get(problem.pk, [])
        n = len(mine)
        if n:
            u = sum(s.urgency for s in mine) / n
            s_ = sum(s.seriousness for s in mine) / n
            g = sum(s.growth for s in mine) / n
        else:
            u = s_ = g = 0.0
        rows.append(
            {
                "problem": problem,
                "scorers": n,
                "scored": n > 0,
                "urgency": round(u, 2),
                "seriousness": round(s_, 2),
                "growth": round(g, 2),
                "total": round(u + s_ + g, 2),
            }
        )
    rows.sort(key=lambda r: (-r["total"], r["problem"].pk))
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
    return rows


def _late(programme: LabProgramme, stage_key: str, today: datetime.date) -> bool:
    """A unit still in ``stage_key`` after that stage's planned end is late."""
    end = programme.planned(stage_key)[1]
    return end is not None and today > end


def board(programme: LabProgramme, *, today: datetime.date | None = None) -> list[dict]:
    """Every enrolled unit with its progress through drum-up and diagnose."""
    today = today or timezone.localdate()
    enrolments = (
        programme.enrolments.select_related("unit")
        .annotate(
            signed=Exists(Commitment.objects.filter(enrolment=OuterRef("pk"))),
            has_team=Exists(TeamMember.objects.filter(team__enrolment=OuterRef("pk"))),
            has_decree=Exists(
                Team.objects.filter(enrolment=OuterRef("pk")).exclude(
                    decree_number="", decree_file=""
                )
            ),
            readiness_done=Exists(ReadinessAssessment.objects.filter(enrolment=OuterRef("pk"))),
            readiness_score=F("readiness__score"),
            readiness_max=F("readiness__max_score"),
            problem_count=Count("problems", distinct=True),
            scored_count=Count(
                "problems", filter=Q(problems__usg_scores__isnull=False), distinct=True
            ),
            idea_count=Count("problems__ideas", distinct=True),
        )
        .order_by("unit__kind", "unit__name")
    )
    rows = []
    for e in enrolments:
        rows.append({"enrolment": e, "late": _late(programme, e.stage, today)})
    return rows


def region_summary(programme: LabProgramme, *, today: datetime.date | None = None) -> dict:
    """How far the whole region is: counts and percentages per stage, and late units."""
    today = today or timezone.localdate()
    counts = dict(programme.enrolments.values_list("stage").annotate(n=Count("id")).order_by())
    total = sum(counts.values())
    stages = []
    for s in STAGES:
        n = counts.get(s.key, 0)
        reached = sum(counts.get(k, 0) for k in STAGE_KEYS[stage_index(s.key) :])
        stages.append(
            {
                "stage": s,
                "count": n,
                "percent": round(100 * n / total) if total else 0,
                "reached": reached,
                "reached_percent": round(100 * reached / total) if total else 0,
                "late": _late(programme, s.key, today) and n > 0,
            }
        )
    late = [
        e
        for e in programme.enrolments.select_related("unit").order_by("unit__name")
        if _late(programme, e.stage, today)
    ]
    artefacts = {
        "signed": Commitment.objects.filter(enrolment__programme=programme).count(),
        "teams": Team.objects.filter(enrolment__programme=programme, members__isnull=False)
        .distinct()
        .count(),
        "problems": Problem.objects.filter(enrolment__programme=programme).count(),
        "ideas": Idea.objects.filter(problem__enrolment__programme=programme).count(),
    }
    return {"total": total, "stages": stages, "late": late, "artefacts": artefacts}


def with_enrolment_stages(qs: QuerySet[LabProgramme]) -> QuerySet[LabProgramme]:
    """Prefetch what ``current_stage`` reads, so a list of programmes costs two queries."""
    return qs.prefetch_related(
        Prefetch("enrolments", queryset=Enrolment.objects.only("id", "programme_id", "stage"))
    )


def current_stage(programme: LabProgramme) -> str:
    """The stage every enrolled unit has reached (drum-up while none is enrolled).
    Uses prefetched enrolments where a list prefetched them (``with_enrolment_stages``)."""
    stages = {enrolment.stage for enrolment in programme.enrolments.all()}
    if not stages:
        return STAGE_KEYS[0]
    return min(stages, key=stage_index)


def restorable_removal(problem: Problem, removal_id) -> AuditEvent | None:
    """The removal of one of ``problem``'s causes with this id, if it is not undone yet."""
    try:
        removal_id = int(removal_id)
    except (TypeError, ValueError):
        return None
    removal = AuditEvent.objects.filter(
        pk=removal_id, action="lab.cause.removed", details__problem=problem.pk
    ).first()
    if removal is None or "category" not in removal.details:
        return None
    undone = AuditEvent.objects.filter(
        action="lab.cause.restored", details__removal=removal.pk
    ).exists()
    return None if undone else removal
