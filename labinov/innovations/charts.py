"""Geometry of the charts that templates draw as inline SVG (no script, no other host).

Every chart scales to its container (``width="100%"`` and a ``viewBox``), so it never
makes a page scroll sideways on a phone.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from labinov.core import numbers


def bars(rows: list[dict], *, width: int = 480, bar: int = 22, label_w: int = 170) -> dict:
    """A horizontal bar chart. Each row: ``name``, ``value`` (a number) and ``display`` (the
    text written beside the bar; the value, formatted, when absent), optionally ``href``."""
    top = max((max(Decimal(str(r["value"] or 0)), Decimal(0)) for r in rows), default=0) or 1
    span = width - label_w - 120
    out = []
    for i, r in enumerate(rows):
        value = max(Decimal(str(r["value"] or 0)), Decimal(0))
        length = round(span * value / top) if value else 0
        name = str(r["name"])
        out.append(
            {
                **r,
                "y": i * (bar + 8),
                "x": label_w,
                "w": length,
                "label_text": name if len(name) <= 26 else name[:25] + "…",
                "full_name": name,
                "value_x": label_w + length + 6,
                "display": r.get("display", numbers.number(r["value"])),
            }
        )
    return {
        "width": width,
        "height": len(rows) * (bar + 8) + 4,
        "bar": bar,
        "bars": out,
        "text_y": bar // 2 + 5,
    }


def before_after(improvement, *, width: int = 480) -> dict:
    """Per measure, two bars: before (the baseline) and after (the actual value), each
    measure on its own scale (its units differ)."""
    label_w, bar, gap = 80, 16, 4
    span = width - label_w - 130
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
