"""What Labinov's own records say about an innovation, for the indicators whose rubric
entry has a ``derive`` block (which fact, and the thresholds of each level: data, not
code). Each fact comes with a sentence saying where it came from."""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from labinov.innovations.actions.knowledge_base import source_id
from labinov.innovations.models import Innovation, ServiceMeasure
from labinov.library.models import LibraryEntry, Replication

DAYS_PER_MONTH = 365.25 / 12


@dataclass(frozen=True)
class Fact:
    value: float
    note: str


def _team_size(innovation: Innovation) -> Fact | None:
    team = getattr(innovation.enrolment, "team", None)
    size = team.members.count() if team is not None else 0
    if not size:
        return None
    return Fact(
        size,
        _("Innovation team of %(unit)s in Labinov: %(n)s people")
        % {"unit": innovation.enrolment.unit, "n": size},
    )


def _budget_years(innovation: Innovation) -> Fact | None:
    years = {m.start.year for m in innovation.milestones.all() if m.budget and m.budget > 0}
    if not years and innovation.budget_amount:
        years = {(innovation.implementation_date or innovation.created_at).year}
    if not years:
        return None
    return Fact(
        len(years),
        _("Budget recorded in Labinov for %(years)s")
        % {"years": ", ".join(str(y) for y in sorted(years))},
    )


def _replications(innovation: Innovation) -> Fact | None:
    entry = LibraryEntry.objects.filter(
        source=LibraryEntry.Source.LOCAL, source_id=source_id(innovation)
    ).first()
    if entry is None:
        return None
    own = innovation.enrolment.programme.region_id
    regions = (
        Replication.objects.filter(source=entry)
        .exclude(innovation__enrolment__programme__region_id=own)
        .aggregate(n=Count("innovation__enrolment__programme__region", distinct=True))["n"]
    )
    if not regions:
        return None
    return Fact(regions, _("Replicated by %(n)s other regions (knowledge base)") % {"n": regions})


def _months(innovation: Innovation) -> Fact | None:
    if innovation.implementation_date is None:
        return None
    starts = [p["start"] for p in innovation.enrolment.programme.plan() if p["start"]]
    start = min(starts) if starts else innovation.created_at.date()
    days = (innovation.implementation_date - start).days
    if days < 0:
        return None
    months = max(1, math.ceil(days / DAYS_PER_MONTH))
    return Fact(
        months,
        _("From the lab's start (%(start)s) to implementation (%(end)s): %(n)s months")
        % {
            "start": start.isoformat(),
            "end": innovation.implementation_date.isoformat(),
            "n": months,
        },
    )


def _people_served(innovation: Innovation) -> Fact | None:
    measure = innovation.service_measures.filter(measure=ServiceMeasure.Measure.PEOPLE).first()
    if measure is None or not measure.actual:
        return None
    return Fact(
        int(measure.actual),
        _("People served (service measure): %(n)s") % {"n": int(measure.actual)},
    )


COMPUTE = {
    "team_size": _team_size,
    "budget_years": _budget_years,
    "replications": _replications,
    "months_to_implementation": _months,
    "people_served": _people_served,
}


def level_for(derive: dict, value: float) -> int | None:
    for band in derive["levels"]:
        if value >= band["min"] and (band.get("max") is None or value <= band["max"]):
            return band["value"]
    return None


def derived_answers(model, innovation: Innovation) -> dict[str, tuple[int, str]]:
    """``{item key: (level, where it came from)}`` for the items Labinov can answer."""
    found = {}
    cache: dict[str, Fact | None] = {}
    for item in model.innovation_items:
        if not item.derive:
            continue
        name = item.derive["from"]
        if name not in cache:
            cache[name] = COMPUTE[name](innovation)
        fact = cache[name]
        if fact is None:
            continue
        level = level_for(item.derive, fact.value)
        if level is not None:
            found[item.key] = (level, fact.note)
    return found
