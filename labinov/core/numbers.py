"""Numbers for Indonesian readers: the one place that formats them.

Pages (through the template filters of ``core/templatetags/labinov.py``), PDFs and the API's
readable texts all call these functions: "Rp 75.000.000", "14 hari", "+37 %", "1.234,5".
Thousands are separated by "." and decimals by ","; a whole number shows no decimals.
XLSX cells stay numbers and carry the number formats below, so a spreadsheet can still add
them up (``XLSX_FORMATS``).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

#: Shown where there is no value to show.
NONE = "—"

#: Number formats of XLSX cells (Excel and LibreOffice show the reader's separators).
XLSX_FORMATS = {
    "rupiah": '"Rp "#,##0',
    "days": '#,##0.#" hari"',
    "hours": '#,##0" jam"',
    "count": "#,##0",
    "decimal": "#,##0.#",
    "percent": '+0" %";-0" %";0" %"',
}


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def number(value, decimals: int = 1) -> str:
    """1234567.5 → "1.234.567,5"; 14.0 → "14"; at most ``decimals`` decimals, rounded half up."""
    d = _decimal(value)
    if d is None:
        return NONE
    quantum = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    d = d.quantize(quantum, rounding=ROUND_HALF_UP)
    if d == d.to_integral_value():
        d = d.quantize(Decimal(1))
    negative = d < 0
    whole, _dot, fraction = f"{abs(d):f}".partition(".")
    fraction = fraction.rstrip("0")
    groups = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = ".".join(groups) + ("," + fraction if fraction else "")
    return ("-" if negative and text.strip("0.,") else "") + text


def rupiah(value) -> str:
    """75000000 → "Rp 75.000.000" (whole rupiah)."""
    d = _decimal(value)
    if d is None:
        return NONE
    text = number(d, decimals=0)
    return f"-Rp {text[1:]}" if text.startswith("-") else f"Rp {text}"


def days(value) -> str:
    """14 → "14 hari"; 0.5 → "0,5 hari"."""
    d = _decimal(value)
    if d is None:
        return NONE
    return ngettext("%(n)s day", "%(n)s days", 1 if d == 1 else 2) % {"n": number(d)}


def hours(value) -> str:
    """1234.4 → "1.234 jam"."""
    d = _decimal(value)
    if d is None:
        return NONE
    return ngettext("%(n)s hour", "%(n)s hours", 1 if d == 1 else 2) % {"n": number(d, 0)}


def percent(value, *, signed: bool = True) -> str:
    """37 → "+37 %", -12.4 → "-12 %", 0 → "0 %" (whole percents)."""
    d = _decimal(value)
    if d is None:
        return NONE
    text = number(d, decimals=0)
    if signed and text != "0" and not text.startswith("-"):
        text = "+" + text
    return f"{text} %"


def people(value) -> str:
    d = _decimal(value)
    if d is None:
        return NONE
    return ngettext("%(n)s person", "%(n)s people", 1 if d == 1 else 2) % {"n": number(d, 0)}


def times(value) -> str:
    """A count of steps, requirements or visits: "3 kali" / "3 times"."""
    d = _decimal(value)
    if d is None:
        return NONE
    return number(d, 0)


def score(value) -> str:
    """Satisfaction on a 0-100 scale: "82" (no unit)."""
    return number(value, 1)


#: How a value of each unit is written.
BY_UNIT = {
    "days": days,
    "rupiah": rupiah,
    "count": times,
    "score": score,
    "people": people,
    "hours": hours,
    "percent": percent,
}


def with_unit(value, unit: str) -> str:
    return BY_UNIT[unit](value)


def unit_label(unit: str) -> str:
    return {
        "days": _("days"),
        "rupiah": _("rupiah"),
        "count": _("number"),
        "score": _("score 0-100"),
        "people": _("people"),
        "hours": _("hours"),
        "percent": "%",
    }[unit]
