"""The home of a logged-in person: for each role they hold, what to do next.

``role_home(user)`` answers one section per role (a person may hold several), the most
actionable first. Each section reads through the apps' selectors and the named rules of
``accounts/access.py``, in a number of queries that depends on the roles a person holds
(and the regions and programmes they hold them in), never on how many units or
innovations those have: lists are read in one query each and cut to ``SHOWN`` rows, with
the total beside them.
"""

import datetime
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from labinov.accounts.access import get_access
from labinov.accounts.models import Role, RoleAssignment
from labinov.innovations.dashboard import apply_figure
from labinov.innovations.improvements import service_rollups
from labinov.innovations.models import Expo, Innovation, JuryScore
from labinov.innovations.selectors import innovations_visible_to
from labinov.lab.models import (
    Comment,
    Commitment,
    Enrolment,
    GateDecision,
    LabProgramme,
    Problem,
)
from labinov.lab.selectors import (
    board,
    current_workspaces,
    programmes_visible_to,
    workspaces_visible_to,
)
from labinov.lab.stages import STAGES, Subject, checklist, exhibited_keys, has_gate
from labinov.regions.selectors import regions_visible_to

#: How many rows of a list a home shows; the total is given beside them.
SHOWN = 10


@dataclass
class Section:
    role: str
    title: str
    template: str
    #: how many things wait for the person in this section (orders the sections)
    waiting: int = 0
    data: dict = field(default_factory=dict)


def _decided_by(role) -> tuple[list[str], list[str]]:
    """The stage keys whose gate ``role`` decides, for enrolments and for innovations."""
    keys = {Subject.ENROLMENT: [], Subject.INNOVATION: []}
    for stage in STAGES:
        if role not in stage.deciders:
            continue
        for kind in keys:
            if has_gate(stage.key, kind):
                keys[kind].append(stage.key)
    return keys[Subject.ENROLMENT], keys[Subject.INNOVATION]


#: What shows that a unit has worked in a stage whose gate is decided (one condition, so the
#: queue stays one query); a stage not named here counts every unit in it.
UNIT_STARTED = {
    "drum_up": Q(Exists(Commitment.objects.filter(enrolment=OuterRef("pk")))),
    "diagnose": Q(Exists(Problem.objects.filter(enrolment=OuterRef("pk")))),
}


def gates_waiting(user, region_ids, *, role=Role.COACH, now=None) -> dict:
    """The gates ``role`` decides that are open in these regions' running or prepared
    programmes, for units and innovations alike, the longest waiting first. A subject waits
    from the moment it entered its stage (its last approval or reopening, else its
    enrolment or creation)."""
    now = now or timezone.now()
    enrolment_keys, innovation_keys = _decided_by(role)
    entered = Max(
        "gate_decisions__decided_at",
        filter=Q(
            gate_decisions__decision__in=[
                GateDecision.Decision.APPROVED,
                GateDecision.Decision.REOPENED,
            ]
        ),
    )
    open_programmes = ~Q(programme__status=LabProgramme.Status.CLOSED)
    # A unit waits for a decision once it has worked in its stage; the 80-odd units of a
    # lab that have not started are the coordinator's board, not the coach's queue.
    started = Q()
    for key in enrolment_keys:
        started |= Q(stage=key) & UNIT_STARTED.get(key, Q())
    units = (
        workspaces_visible_to(user)
        .filter(open_programmes, programme__region_id__in=region_ids, stage__in=enrolment_keys)
        .filter(started)
        .annotate(since=Coalesce(entered, "enrolled_at", output_field=DateTimeField()))
        .order_by("since", "id")
    )
    innovations = (
        innovations_visible_to(user)
        .filter(
            ~Q(enrolment__programme__status=LabProgramme.Status.CLOSED),
            enrolment__programme__region_id__in=region_ids,
            stage__in=innovation_keys,
            documented_at__isnull=True,
        )
        .order_by("stage_entered_at", "id")
    )
    rows = [
        {
            "kind": "unit",
            "name": e.unit.name,
            "context": e.programme.title,
            "stage": e.get_stage_display(),
            "since": e.since,
            "url": reverse("lab:workspace", kwargs={"pk": e.pk}) + "#gate",
        }
        for e in units[:SHOWN]
    ] + [
        {
            "kind": "innovation",
            "name": i.name,
            "context": i.enrolment.unit.name,
            "stage": i.get_stage_display(),
            "since": i.stage_entered_at,
            "url": reverse("innovations:detail", kwargs={"pk": i.pk}) + "#gate",
        }
        for i in innovations[:SHOWN]
    ]
    rows.sort(key=lambda r: r["since"])
    for row in rows:
        row["days"] = max((now - row["since"]).days, 0)
    return {"rows": rows[:SHOWN], "total": units.count() + innovations.count()}


def comments_waiting(user, region_ids) -> dict:
    """Comments by a unit's own people (its head or team) in these regions that nobody
    has answered: the last word on their artefact is the unit's, not someone else's."""
    later = Comment.objects.filter(
        target_type=OuterRef("target_type"),
        target_id=OuterRef("target_id"),
        created_at__gt=OuterRef("created_at"),
    )
    by_unit = RoleAssignment.objects.filter(
        user=OuterRef("author"), unit=OuterRef("enrolment__unit")
    )
    qs = (
        Comment.objects.filter(
            enrolment__in=workspaces_visible_to(user).filter(programme__region_id__in=region_ids)
        )
        .exclude(author=user)
        .filter(Exists(by_unit))
        .exclude(Exists(later))
        .select_related("enrolment__unit", "author")
        .order_by("created_at", "id")
    )
    types = ContentType.objects.get_for_models(Innovation, Enrolment, Problem)
    innovation_type, enrolment_type = types[Innovation].pk, types[Enrolment].pk
    rows = []
    for c in qs[:SHOWN]:
        if c.target_type_id == innovation_type:
            url = reverse("innovations:detail", kwargs={"pk": c.target_id}) + "#comments"
        elif c.target_type_id == types[Problem].pk:
            url = reverse("lab:problem", kwargs={"pk": c.target_id})
        else:
            anchor = "#comments" if c.target_type_id == enrolment_type else ""
            url = reverse("lab:workspace", kwargs={"pk": c.enrolment_id}) + anchor
        rows.append({"comment": c, "unit": c.enrolment.unit.name, "url": url})
    return {"rows": rows, "total": qs.count()}


def expos_to_score(user, *, today=None) -> list[dict]:
    """The expos whose jury the person is on and whose best is not chosen yet, with how
    many of their innovations the person has still to score."""
    today = today or timezone.localdate()
    entries = (
        Innovation.objects.filter(
            enrolment__programme=OuterRef("programme"), stage__in=exhibited_keys()
        )
        .order_by()
        .values("enrolment__programme")
        .annotate(n=Count("id"))
        .values("n")
    )
    scored = (
        JuryScore.objects.filter(
            expo=OuterRef("pk"), juror=user, innovation__stage__in=exhibited_keys()
        )
        .order_by()
        .values("expo")
        .annotate(n=Count("id"))
        .values("n")
    )
    expos = (
        Expo.objects.filter(jurors=user, best__isnull=True)
        .select_related("programme__region")
        .annotate(
            entries=Coalesce(Subquery(entries, output_field=IntegerField()), Value(0)),
            scored=Coalesce(Subquery(scored, output_field=IntegerField()), Value(0)),
        )
        .order_by("held_on", "id")
    )
    return [
        {
            "expo": e,
            "entries": e.entries,
            "unscored": max(e.entries - e.scored, 0),
            "past": e.held_on is not None and e.held_on < today,
        }
        for e in expos
    ]


def region_figures(user, region) -> dict:
    """The region's headline figures, as the portfolio dashboard counts them."""
    qs = innovations_visible_to(user).filter(enrolment__programme__region=region)
    figures = {key: apply_figure(qs, key)[0].count() for key in ("terbit", "selesai", "terlambat")}
    total = service_rollups(qs, name=str(region))["total"]
    return {
        "region": region,
        "innovations": qs.count(),
        "published": figures["terbit"],
        "documented": figures["selesai"],
        "overdue": figures["terlambat"],
        "rollup": total,
        "dashboard": reverse("innovations:dashboard") + f"?wilayah={region.code}",
    }


def _open_programmes(user, region_ids):
    return (
        programmes_visible_to(user)
        .filter(region_id__in=region_ids)
        .exclude(status=LabProgramme.Status.CLOSED)
        .order_by("-year", "title")
    )


def programme_boards(user, region_ids, *, today=None) -> list[dict]:
    """Each open programme of the regions with its units, the late ones first."""
    today = today or timezone.localdate()
    boards = []
    for programme in _open_programmes(user, region_ids):
        rows = board(programme, today=today)
        rows.sort(key=lambda r: (not r["late"], r["enrolment"].stage_index))
        boards.append(
            {
                "programme": programme,
                "rows": rows[:SHOWN],
                "total": len(rows),
                "late": sum(1 for r in rows if r["late"]),
            }
        )
    return boards


def unit_workspaces(user) -> list[dict]:
    """The person's units' workspaces in their current programme, with the checklist of
    the gate they work towards and their innovations."""
    result = []
    for enrolment in current_workspaces(user):
        steps = (
            checklist(enrolment.stage, Subject.ENROLMENT, enrolment)
            if has_gate(enrolment.stage, Subject.ENROLMENT)
            else []
        )
        innovations = list(
            innovations_visible_to(user).filter(enrolment=enrolment).order_by("name", "id")
        )
        result.append(
            {
                "enrolment": enrolment,
                "checklist": steps,
                "open_items": sum(1 for s in steps if not s["met"]),
                "innovations": innovations,
            }
        )
    return result


def admin_overview(user) -> dict:
    from labinov.library.models import ImportRun

    regions = regions_visible_to(user).annotate(unit_count=Count("units", distinct=True))
    return {
        "regions": regions,
        "imports": ImportRun.objects.order_by("-id")[:5],
    }


def role_home(user, *, today: datetime.date | None = None) -> list[Section]:
    """One section per role the person holds, the one with most waiting first."""
    access = get_access(user)
    sections: list[Section] = []
    coach = access.region_ids({Role.COACH})
    if coach:
        gates, comments = gates_waiting(user, coach), comments_waiting(user, coach)
        sections.append(
            Section(
                Role.COACH,
                _("Coach: decisions and answers waiting"),
                "core/home_coach.html",
                gates["total"] + comments["total"],
                {"gates": gates, "comments": comments},
            )
        )
    expos = expos_to_score(user, today=today)
    if expos or access.region_ids({Role.ASSESSOR}):
        sections.append(
            Section(
                Role.ASSESSOR,
                _("Jury: expos to score"),
                "core/home_assessor.html",
                sum(e["unscored"] for e in expos),
                {"expos": expos},
            )
        )
    coordinator = access.region_ids({Role.COORDINATOR})
    if coordinator:
        boards = programme_boards(user, coordinator, today=today)
        sections.append(
            Section(
                Role.COORDINATOR,
                _("Coordinator: the programme boards"),
                "core/home_coordinator.html",
                sum(b["late"] for b in boards),
                {"boards": boards},
            )
        )
    if access.team_unit_ids():
        workspaces = unit_workspaces(user)
        sections.append(
            Section(
                Role.UNIT_HEAD if any(access.heads(u) for u in access.unit_ids()) else "team",
                _("Your unit's next step"),
                "core/home_unit.html",
                sum(w["open_items"] for w in workspaces),
                {"workspaces": workspaces},
            )
        )
    leader = access.region_ids({Role.LEADER})
    if leader:
        regions = regions_visible_to(user).filter(pk__in=leader)
        sections.append(
            Section(
                Role.LEADER,
                _("Leader: the region's figures"),
                "core/home_leader.html",
                0,
                {"regions": [region_figures(user, r) for r in regions]},
            )
        )
    if access.is_platform_admin:
        sections.append(
            Section(
                Role.PLATFORM_ADMIN,
                _("Platform administration"),
                "core/home_admin.html",
                0,
                admin_overview(user),
            )
        )
    # The most actionable first; sections with as much waiting keep the order above.
    sections.sort(key=lambda s: -s.waiting)
    return sections
