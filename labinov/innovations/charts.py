"""Geometry of the charts that templates draw as inline SVG (no script, no other host).

Every chart scales to its container (``width="100%"`` and a ``viewBox``), so it never
makes a page scroll sideways on a phone.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from labinov.core import numbers


def bars(rows: list[dict], *, width: int = 360, bar: int = 16) -> dict:
    """A horizontal bar chart, each row's name above its bar so that long unit names fit a
    phone. Each row: ``name``, ``value`` (a number; below 0 draws no bar) and ``display``
    (the text beside the bar; the value, formatted, when absent)."""
    top = max((max(Decimal(str(r["value"] or 0)), Decimal(0)) for r in rows), default=0) or 1
    span = width - 120  # room for the value written after the longest bar
    step = bar + 26
    out = []
    for i, r in enumerate(rows):
        value = max(Decimal(str(r["value"] or 0)), Decimal(0))
        length = round(span * value / top) if value else 0
        name = str(r["name"])
        out.append(
            {
                **r,
                "y": i * step,
                "label_y": 13,
                "bar_y": 18,
                "w": length,
                "label_text": name if len(name) <= 52 else name[:51] + "…",
                "full_name": name,
                "value_x": length + 6,
                "value_y": 18 + bar // 2 + 5,
                "display": r.get("display", numbers.number(r["value"])),
            }
        )
    return {"width": width, "height": len(rows) * step + 2, "bar": bar, "bars": out}


def before_after(improvement, *, width: int = 360) -> dict:
    """Per measure, two bars: before (the baseline) and after (the actual value), each
    measure on its own scale (its units differ)."""
    label_w, bar, gap = 70, 16, 4
    span = width - label_w - 100
    groups, y = [], 0
    for row in improvement.rows:
        before, after = row.values.baseline, row.values.actual
        if before is None and after is None:
            continue
        top = max(before or 0, after or 0) or 1
        pair = []
        for which, text, value in (
            ("before", _("Before"), before),
            ("after", _("After"), after),
        ):
            length = round(span * (value or 0) / top)
            pair.append(
                {
                    "which": which,
                    "text": text,
                    "y": y + 20 + len(pair) * (bar + gap),
                    "w": length,
                    "value_x": label_w + length + 6,
                    "display": row.show("baseline" if which == "before" else "actual"),
                }
            )
        groups.append(
            {
                "title": row.label,
                "title_y": y + 14,
                "change": row.achieved.text,
                "bars": pair,
            }
        )
        y += 20 + 2 * (bar + gap) + 12
    return {
        "width": width,
        "height": y + 4,
        "label_w": label_w,
        "bar": bar,
        "text_dy": bar // 2 + 5,
        "groups": groups,
    }
