"""The leader's portfolio dashboard: every figure is a count of a filtered list of innovations.

A figure's ``key`` is the ``angka`` parameter of the innovations list page, so each number
links to the innovations behind it, counted by the same query.
"""

import datetime

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from labinov.innovations.charts import bars
from labinov.innovations.models import Innovation, Milestone, ServiceMeasure
from labinov.innovations.selectors import STUCK_AFTER_DAYS, days_in_stages, with_approvals
from labinov.lab.stages import Subject, get_stage, keys_of

LOWER_IS_BETTER = [
    m for m in ServiceMeasure.Measure.values if m not in ServiceMeasure.HIGHER_IS_BETTER
]


def improved_measures() -> QuerySet[ServiceMeasure]:
    return ServiceMeasure.objects.filter(actual__isnull=False, baseline__isnull=False).filter(
        Q(measure__in=LOWER_IS_BETTER, actual__lt=F("baseline"))
        | Q(measure__in=ServiceMeasure.HIGHER_IS_BETTER, actual__gt=F("baseline"))
    )


def _overdue_q(today):
    return Exists(
        Milestone.objects.filter(innovation=OuterRef("pk"), end__lt=today, progress__lt=100)
    )


FIGURES = {
    "terlambat": _("With an overdue milestone"),
    # Formatted lazily: `%` on a lazy string would fix the language at import time.
    "macet": format_lazy(_("Stuck: more than {days} days in one stage"), days=STUCK_AFTER_DAYS),
    "membaik": _("With a service improvement achieved"),
    "terbit": _("Published"),
    "selesai": _("Documented"),
}


def apply_figure(qs, key: str, *, today: datetime.date | None = None, now=None):
    """Narrow a queryset of innovations to one figure of the dashboard."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    if key == "terlambat":
        qs = qs.filter(_overdue_q(today))
    elif key == "macet":
        qs = qs.filter(
            documented_at__isnull=True,
            stage_entered_at__lt=now - datetime.timedelta(days=STUCK_AFTER_DAYS),
        )
    elif key == "membaik":
        qs = qs.filter(Exists(improved_measures().filter(innovation=OuterRef("pk"))))
    elif key == "terbit":
        qs = qs.filter(published_at__isnull=False)
    elif key == "selesai":
        qs = qs.filter(documented_at__isnull=False)
    else:
        return qs, ""
    return qs, FIGURES[key]


def portfolio(qs: QuerySet[Innovation], *, today=None, now=None) -> dict:
    """Figures of a set of innovations (already limited to what the viewer may read)."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    by_unit: dict[int, dict] = {}
    for row in (
        qs.values("enrolment__unit_id", "enrolment__unit__name", "stage")
        .annotate(n=Count("id"))
        .order_by("enrolment__unit__name")
    ):
        entry = by_unit.setdefault(
            row["enrolment__unit_id"],
            {
                "unit_id": row["enrolment__unit_id"],
                "unit": row["enrolment__unit__name"],
                "stages": dict.fromkeys(keys_of(Subject.INNOVATION), 0),
                "total": 0,
            },
        )
        entry["stages"][row["stage"]] += row["n"]
        entry["total"] += row["n"]
    stage_totals = dict.fromkeys(keys_of(Subject.INNOVATION), 0)
    for entry in by_unit.values():
        for key, n in entry["stages"].items():
            stage_totals[key] += n
    spent = {k: [] for k in keys_of(Subject.INNOVATION)}
    for innovation in with_approvals(qs):
        for key, days in days_in_stages(innovation, now=now).items():
            spent[key].append(days)
    time_in_stage = [
        {
            "stage": get_stage(k),
            "average": round(sum(v) / len(v), 1) if v else None,
            "innovations": len(v),
        }
        for k, v in spent.items()
    ]
    figures = [
        {
            "key": key,
            "label": label,
            "count": apply_figure(qs, key, today=today, now=now)[0].count(),
        }
        for key, label in FIGURES.items()
    ]
    improvements = list(
        improved_measures()
        .filter(innovation__in=qs)
        .select_related("innovation")
        .order_by("innovation__name", "id")
    )
    return {
        "total": qs.count(),
        "by_unit": list(by_unit.values()),
        "stage_totals": [{"stage": get_stage(k), "count": n} for k, n in stage_totals.items()],
        "time_in_stage": time_in_stage,
        "figures": figures,
        "improvements": improvements,
    }


def bar_chart(rows: list[dict], *, value: str, label: str) -> dict:
    """Geometry of the dashboard's horizontal bar charts: ``charts.bars`` (each name above
    its bar, a 360-wide viewBox, so the text stays legible on a phone), each bar a link."""
    return bars(
        [
            {**r, "name": r[label], "value": r[value], "display": r.get("display", r[value])}
            for r in rows
        ]
    )
