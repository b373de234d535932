"""The rules a programme's plan follows: when each declared stage starts and ends.

A plan maps a stage key to its (start, end); either may be empty. ``check_plan`` lists
every problem with the stage and the part (``start`` or ``end``) it concerns, so that the
programme form shows each on its own field and the API names it in ``errors``. The stages
and their order come from ``lab/stages.py``; no stage is named here.

- A stage does not end before it starts, and has no end without a start.
- Stages follow the declared order: a stage does not start before the previous planned
  stage starts (stages may overlap, as drum-up and diagnose often do on the same days).
- The dates fall in the programme's year: a stage starts in that year, and may end in the
  next one (``SPILL_OVER_YEARS``: delivery and documentation of a programme that starts
  late in the year run into the next, as DOMAIN.md's October-December runs show).
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from labinov.lab.stages import STAGE_KEYS, STAGES

#: How many years after the programme's year a stage may still end.
SPILL_OVER_YEARS = 1

Dates = tuple[datetime.date | None, datetime.date | None]
START, END = "start", "end"


@dataclass(frozen=True)
class PlanProblem:
    stage: str
    part: str  # START or END
    message: str


def _day(value: datetime.date) -> str:
    return date_format(value, "j F Y")


def check_plan(year: int | None, plan: dict[str, Dates]) -> list[PlanProblem]:
    """Every problem of ``plan`` (stage key -> (start, end)) for a programme of ``year``,
    in the declared order of the stages."""
    problems: list[PlanProblem] = []
    previous = None  # (stage, start) of the last stage with a start
    for stage in STAGES:
        start, end = plan.get(stage.key, (None, None))
        names = {"stage": stage.label}
        if end is not None and start is None:
            problems.append(
                PlanProblem(stage.key, START, _("Give the start of %(stage)s too.") % names)
            )
        if start is not None and end is not None and end < start:
            problems.append(
                PlanProblem(
                    stage.key,
                    END,
                    _("%(stage)s ends before it starts (%(start)s): check the dates.")
                    % {**names, "start": _day(start)},
                )
            )
        if year is not None:
            if start is not None and start.year != year:
                problems.append(
                    PlanProblem(
                        stage.key,
                        START,
                        _(
                            "%(stage)s starts in %(found)s, but this is the %(year)s "
                            "programme: every stage starts in %(year)s."
                        )
                        % {**names, "found": start.year, "year": year},
                    )
                )
            if end is not None and not year <= end.year <= year + SPILL_OVER_YEARS:
                problems.append(
                    PlanProblem(
                        stage.key,
                        END,
                        _(
                            "%(stage)s ends in %(found)s, but this is the %(year)s programme: "
                            "a stage ends in %(year)s or, at the latest, in %(last)s."
                        )
                        % {
                            **names,
                            "found": end.year,
                            "year": year,
                            "last": year + SPILL_OVER_YEARS,
                        },
                    )
                )
        if start is not None:
            if previous is not None and start < previous[1]:
                problems.append(
                    PlanProblem(
                        stage.key,
                        START,
                        _(
                            "%(stage)s starts before %(previous)s (%(previous_start)s): the "
                            "stages follow their order."
                        )
                        % {
                            **names,
                            "previous": previous[0].label,
                            "previous_start": _day(previous[1]),
                        },
                    )
                )
            previous = (stage, start)
    return problems


def plan_of(rows) -> dict[str, Dates]:
    """A plan from ``[{"stage", "start", "end"}, ...]`` (the API's and the form's shape)."""
    return {row["stage"]: (row.get("start"), row.get("end")) for row in rows}


def describe(plan: dict[str, Dates]) -> dict[str, list[str | None]]:
    """The plan as text, for the audit trail: stage key -> [start, end]."""
    return {
        key: [d.isoformat() if d else None for d in dates]
        for key, dates in plan.items()
        if any(dates)
    }


def field_name(stage_key: str, part: str) -> str:
    """How the API names a date of the plan in ``errors``: ``plan.<stage>.<start|end>``."""
    return f"plan.{stage_key}.{part}"


class PlanInvalid(ValidationError):
    """The plan breaks the rules above; every problem is named by ``field_name``. The API
    answers it 422; the programme form checks the same rules first, on its own fields."""

    def __init__(self, problems: list[PlanProblem]):
        self.problems = problems
        errors: dict[str, list[str]] = {}
        for p in problems:
            errors.setdefault(field_name(p.stage, p.part), []).append(p.message)
        super().__init__(errors)


def unknown_stages(plan: dict) -> list[str]:
    return [key for key in plan if key not in STAGE_KEYS]
