"""Faster, cheaper, easier: the one computation of a service's improvement.

Pure functions of numbers (no database): pages, the API, PDFs, XLSX exports and the
dashboards' roll-ups all call them, so a figure is computed once, the same way everywhere.
docs/measures.md explains every formula for a coordinator.

- A measure's **improvement** is its change from the baseline to the actual value, in
  percent of the baseline, signed so that **positive is better**: for days, cost, steps,
  requirements and visits (lower is better) ``(baseline - actual) / baseline x 100``; for
  satisfaction and people served (higher is better) ``(actual - baseline) / baseline x 100``.
  A baseline of 0 has no percent: the change is said in words ("baru (dari 0)", "tetap 0",
  "naik dari 0").
- **Faster** is the improvement of days to finish, **cheaper** that of the cost to the
  citizen, **easier** that of steps + requirements + visits taken together
  (``(sum of baselines - sum of actuals) / sum of baselines x 100`` over the measures with
  both values).
- **Per year**: rupiah saved = (cost before - cost after) x transactions per year;
  citizen-hours saved = (visits before - visits after) x hours per visit x transactions per
  year. Each figure carries its formula, written with the numbers used.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.core import numbers


@dataclass(frozen=True)
class MeasureKind:
    key: str
    label: object
    unit: str  # a unit of labinov.core.numbers.BY_UNIT
    higher_is_better: bool
    dimension: str  # faster, cheaper, easier, satisfaction, reach


KINDS = {
    k.key: k
    for k in (
        MeasureKind("days", gettext_lazy("Days to finish"), "days", False, "faster"),
        MeasureKind("cost", gettext_lazy("Cost to the citizen"), "rupiah", False, "cheaper"),
        MeasureKind("steps", gettext_lazy("Number of steps"), "count", False, "easier"),
        MeasureKind(
            "requirements", gettext_lazy("Number of requirements"), "count", False, "easier"
        ),
        MeasureKind("visits", gettext_lazy("Visits to an office needed"), "count", False, "easier"),
        MeasureKind(
            "satisfaction", gettext_lazy("Satisfaction (0-100)"), "score", True, "satisfaction"
        ),
        MeasureKind(
            "people_served", gettext_lazy("People served per year"), "people", True, "reach"
        ),
    )
}
EASIER = tuple(k for k, kind in KINDS.items() if kind.dimension == "easier")
DIMENSIONS = {
    "faster": gettext_lazy("Faster"),
    "cheaper": gettext_lazy("Cheaper"),
    "easier": gettext_lazy("Easier"),
}

# How a change is: the states a page explains in words.
IMPROVED, WORSE, SAME, NEW_FROM_ZERO, UP_FROM_ZERO, SAME_ZERO, NO_ACTUAL, NO_BASELINE = (
    "improved",
    "worse",
    "same",
    "new_from_zero",
    "up_from_zero",
    "same_zero",
    "no_actual",
    "no_baseline",
)


def _d(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


def _round(value: Decimal, places: int = 1) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Change:
    """The change of one measure from its baseline to a later value."""

    state: str
    percent: Decimal | None  # positive is better; None where a percent means nothing

    @property
    def text(self) -> str:
        """How a page says it: "+37 %", "baru (dari 0)", "—"."""
        if self.percent is not None:
            text = numbers.percent(self.percent)
            return text + (" " + _("(still 0)") if self.state == SAME_ZERO else "")
        return {
            NEW_FROM_ZERO: _("new (from 0)"),
            UP_FROM_ZERO: _("up from 0"),
            NO_ACTUAL: numbers.NONE,
            NO_BASELINE: numbers.NONE,
        }[self.state]

    @property
    def explanation(self) -> str:
        """Why there is no percent, or what the percent says."""
        return {
            IMPROVED: _("better than the baseline"),
            WORSE: _("worse than the baseline"),
            SAME: _("unchanged"),
            SAME_ZERO: _("the baseline and the value are both 0"),
            NEW_FROM_ZERO: _("the baseline is 0: there is no percent of 0, the service is new"),
            UP_FROM_ZERO: _("the baseline is 0: there is no percent of 0, the value went up"),
            NO_ACTUAL: _("no actual value measured yet"),
            NO_BASELINE: _("no baseline recorded"),
        }[self.state]


def change(measure: str, baseline, value) -> Change:
    """The change of ``measure`` from ``baseline`` to ``value`` (an actual or a target)."""
    kind = KINDS[measure]
    b, v = _d(baseline), _d(value)
    if b is None:
        return Change(NO_BASELINE, None)
    if v is None:
        return Change(NO_ACTUAL, None)
    if b == 0:
        if v == 0:
            return Change(SAME_ZERO, Decimal(0))
        return Change(NEW_FROM_ZERO if kind.higher_is_better else UP_FROM_ZERO, None)
    delta = (v - b) if kind.higher_is_better else (b - v)
    percent = _round(100 * delta / b)
    state = IMPROVED if delta > 0 else WORSE if delta < 0 else SAME
    return Change(state, percent)


@dataclass(frozen=True)
class Values:
    baseline: Decimal | None
    target: Decimal | None
    actual: Decimal | None


@dataclass(frozen=True)
class Row:
    """One measure of an innovation with its units and its changes."""

    measure: str
    values: Values
    achieved: Change  # baseline -> actual
    planned: Change  # baseline -> target

    @property
    def kind(self) -> MeasureKind:
        return KINDS[self.measure]

    @property
    def label(self) -> str:
        return str(self.kind.label)

    def show(self, which: str) -> str:
        return numbers.with_unit(getattr(self.values, which), self.kind.unit)


@dataclass(frozen=True)
class Saving:
    """A yearly saving with its formula, or the reason it cannot be computed."""

    value: Decimal | None
    formula: str
    missing: str = ""


@dataclass
class Improvement:
    """Everything an innovation's service figures say."""

    rows: list[Row]
    faster: Change
    cheaper: Change
    easier: Change
    rupiah_per_year: Saving
    hours_per_year: Saving
    people_served: Decimal | None
    transactions_per_year: Decimal | None
    hours_per_visit: Decimal | None
    dimensions: list[dict] = field(default_factory=list)

    @property
    def measured(self) -> bool:
        return any(r.values.actual is not None for r in self.rows)


def _easier(values: Mapping[str, Values]) -> Change:
    pairs = [
        (values[k].baseline, values[k].actual)
        for k in EASIER
        if k in values and values[k].baseline is not None and values[k].actual is not None
    ]
    if not pairs:
        present = [k for k in EASIER if k in values and values[k].baseline is not None]
        return Change(NO_ACTUAL if present else NO_BASELINE, None)
    before = sum((b for b, _a in pairs), Decimal(0))
    after = sum((a for _b, a in pairs), Decimal(0))
    return change("steps", before, after)


def _saving_rupiah(values, transactions) -> Saving:
    cost = values.get("cost")
    if cost is None or cost.baseline is None or cost.actual is None:
        return Saving(None, "", _("needs the cost to the citizen before and after"))
    if transactions is None:
        return Saving(None, "", _("needs the number of transactions per year"))
    per = cost.baseline - cost.actual
    total = per * transactions
    formula = _("(%(before)s − %(after)s) × %(n)s transactions a year = %(total)s") % {  # noqa: RUF001
        "before": numbers.rupiah(cost.baseline),
        "after": numbers.rupiah(cost.actual),
        "n": numbers.number(transactions, 0),
        "total": numbers.rupiah(total),
    }
    return Saving(total, formula)


def _saving_hours(values, transactions, hours_per_visit) -> Saving:
    visits = values.get("visits")
    if visits is None or visits.baseline is None or visits.actual is None:
        return Saving(None, "", _("needs the visits needed before and after"))
    if transactions is None:
        return Saving(None, "", _("needs the number of transactions per year"))
    if hours_per_visit is None:
        return Saving(None, "", _("needs the hours a citizen spends on one visit"))
    total = (visits.baseline - visits.actual) * hours_per_visit * transactions
    formula = _(
        "(%(before)s − %(after)s visits) × %(hours)s hours a visit × %(n)s transactions a year"  # noqa: RUF001
        " = %(total)s"
    ) % {
        "before": numbers.number(visits.baseline),
        "after": numbers.number(visits.actual),
        "hours": numbers.number(hours_per_visit),
        "n": numbers.number(transactions, 0),
        "total": numbers.hours(total),
    }
    return Saving(total, formula)


def evaluate(
    measures: Mapping[str, tuple] | Iterable,
    *,
    transactions_per_year=None,
    hours_per_visit=None,
) -> Improvement:
    """The improvement of one innovation.

    ``measures`` maps a measure key to ``(baseline, target, actual)`` (any may be None).
    """
    if not isinstance(measures, Mapping):
        measures = dict(measures)
    values = {k: Values(_d(v[0]), _d(v[1]), _d(v[2])) for k, v in measures.items() if k in KINDS}
    rows = [
        Row(
            measure=k,
            values=values[k],
            achieved=change(k, values[k].baseline, values[k].actual),
            planned=change(k, values[k].baseline, values[k].target),
        )
        for k in KINDS
        if k in values
    ]
    transactions = _d(transactions_per_year)
    hours = _d(hours_per_visit)
    people = values.get("people_served")
    result = Improvement(
        rows=rows,
        faster=change("days", *(_pair(values, "days"))),
        cheaper=change("cost", *(_pair(values, "cost"))),
        easier=_easier(values),
        rupiah_per_year=_saving_rupiah(values, transactions),
        hours_per_year=_saving_hours(values, transactions, hours),
        people_served=people.actual if people else None,
        transactions_per_year=transactions,
        hours_per_visit=hours,
    )
    result.dimensions = [
        {"key": key, "label": label, "change": getattr(result, key)}
        for key, label in DIMENSIONS.items()
    ]
    return result


def _pair(values, key):
    v = values.get(key)
    return (v.baseline, v.actual) if v else (None, None)


@dataclass
class RollUp:
    """The service figures of a group of innovations (a unit, a programme, a region)."""

    name: str
    key: object = None
    innovations: int = 0
    measured: int = 0
    averages: dict = field(default_factory=dict)  # dimension -> (average percent, n)
    rupiah_per_year: Decimal | None = None  # None: no innovation of the group has the figure
    hours_per_year: Decimal | None = None
    people_served: Decimal | None = None

    def average(self, dimension: str) -> Decimal | None:
        return self.averages.get(dimension, (None, 0))[0]

    def counted(self, dimension: str) -> int:
        return self.averages.get(dimension, (None, 0))[1]

    @property
    def cells(self) -> list[dict]:
        return [
            {
                "key": d,
                "text": numbers.percent(self.average(d)),
                "n": self.counted(d),
            }
            for d in DIMENSIONS
        ]


def roll_up(name: str, improvements: Iterable[Improvement], key=None) -> RollUp:
    """Sum and average the figures of several innovations.

    Yearly savings and people served are sums over the innovations that have them (None
    when none has: "—", not "Rp 0"); faster, cheaper and easier are the plain
    averages of the innovations' percents, over those that have one (``n`` says how many).
    """
    out = RollUp(name=name, key=key)
    collected: dict[str, list[Decimal]] = {d: [] for d in DIMENSIONS}
    for imp in improvements:
        out.innovations += 1
        out.measured += imp.measured
        for d in DIMENSIONS:
            percent = getattr(imp, d).percent
            if percent is not None:
                collected[d].append(percent)
        for name, value in (
            ("rupiah_per_year", imp.rupiah_per_year.value),
            ("hours_per_year", imp.hours_per_year.value),
            ("people_served", imp.people_served),
        ):
            if value is not None:
                setattr(out, name, (getattr(out, name) or 0) + value)
    out.averages = {
        d: (_round(sum(v, Decimal(0)) / len(v)) if v else None, len(v))
        for d, v in collected.items()
    }
    return out
