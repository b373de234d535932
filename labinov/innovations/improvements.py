"""Service improvements of a set of innovations, rolled up per unit, programme and region.

The figures come from ``innovations/measures.py`` (one computation); this module only reads
the innovations (already limited to what the viewer may see) and groups them.
"""

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from labinov.core import numbers
from labinov.innovations.charts import bars
from labinov.innovations.measures import DIMENSIONS, RollUp, roll_up
from labinov.innovations.models import Innovation


def with_measures(qs: QuerySet[Innovation]) -> QuerySet[Innovation]:
    return qs.select_related("enrolment__unit", "enrolment__programme__region").prefetch_related(
        "service_measures"
    )


def service_rollups(qs: QuerySet[Innovation], *, name: str = "") -> dict:
    """The region's (or programme's) total, and its figures per unit and per programme."""
    rows = [(i, i.improvement) for i in with_measures(qs).order_by("name", "id")]
    by_unit: dict[int, list] = {}
    by_programme: dict[int, list] = {}
    units, programmes = {}, {}
    for innovation, imp in rows:
        unit, programme = innovation.enrolment.unit, innovation.enrolment.programme
        units[unit.pk], programmes[programme.pk] = unit, programme
        by_unit.setdefault(unit.pk, []).append(imp)
        by_programme.setdefault(programme.pk, []).append(imp)
    unit_rollups = sorted(
        (roll_up(units[pk].name, imps, key=pk) for pk, imps in by_unit.items()),
        key=lambda r: r.name,
    )
    programme_rollups = sorted(
        (roll_up(programmes[pk].title, imps, key=pk) for pk, imps in by_programme.items()),
        key=lambda r: r.name,
    )
    return {
        "total": roll_up(name, (imp for _i, imp in rows)),
        "by_unit": unit_rollups,
        "by_programme": programme_rollups,
        "innovations": rows,
    }


def rollup_json(r: RollUp) -> dict:
    """A roll-up as the API answers it: numbers, and the same figures as people read them."""
    return {
        "name": r.name,
        "id": r.key,
        "innovations": r.innovations,
        "measured": r.measured,
        **{d: {"average_percent": r.average(d), "innovations": r.counted(d)} for d in DIMENSIONS},
        "rupiah_saved_per_year": r.rupiah_per_year,
        "citizen_hours_saved_per_year": r.hours_per_year,
        "people_served_per_year": r.people_served,
        "text": {
            **{d: numbers.percent(r.average(d)) for d in DIMENSIONS},
            "rupiah_saved_per_year": numbers.rupiah(r.rupiah_per_year),
            "citizen_hours_saved_per_year": numbers.hours(r.hours_per_year),
            "people_served_per_year": numbers.people(r.people_served),
        },
    }


def saving_chart_rows(rollups: list[RollUp], *, value: str) -> list[dict]:
    """Rows for a bar chart of a yearly saving per unit or programme."""
    show = numbers.rupiah if value == "rupiah_per_year" else numbers.hours
    return [
        {
            "key": r.key,
            "name": r.name,
            "value": getattr(r, value),
            "display": show(getattr(r, value)),
        }
        for r in rollups
    ]


def dimension_chart_rows(total: RollUp) -> list[dict]:
    return [
        {
            "key": d,
            "name": str(label),
            "value": total.average(d) or 0,
            "display": numbers.percent(total.average(d))
            + " "
            + ngettext("(%(n)s innovation)", "(%(n)s innovations)", total.counted(d))
            % {"n": total.counted(d)},
        }
        for d, label in DIMENSIONS.items()
    ]


def rollup_context(qs: QuerySet[Innovation], *, name: str = "", units_only: bool = False) -> dict:
    """What the dashboards' service section (innovations/_rollup.html) shows."""
    service = service_rollups(qs, name=name)
    tables = [(_("By unit"), service["by_unit"])]
    if not units_only:
        tables.append((_("By programme"), service["by_programme"]))
    return {
        "service": service,
        "service_charts": {
            "dimensions": bars(dimension_chart_rows(service["total"])),
            "rupiah": bars(saving_chart_rows(service["by_unit"], value="rupiah_per_year")),
            "hours": bars(saving_chart_rows(service["by_unit"], value="hours_per_year")),
        },
        "service_tables": tables,
    }
