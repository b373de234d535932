import json

from django import template

from labinov.core import numbers
from labinov.core.audit_labels import audit_action_label
from labinov.core.links import is_safe_link

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """The readable name of an audit action code, e.g. "unit.updated" → "Unit diubah"."""
    return audit_action_label(code)


@register.filter(name="is_safe_link")
def is_safe_link_filter(value) -> bool:
    """Whether a stored URL may be a link: ``{% if url|is_safe_link %}<a href=...>``
    (http, https or a path on this site; see core/links.py)."""
    return is_safe_link(value)


@register.filter
def from_json(value: str):
    """A JSON text as Python data, for ``json_script`` to write back safely:
    ``{{ swagger_settings|from_json|json_script:"swagger-settings" }}``."""
    return json.loads(value)


# Numbers for Indonesian readers (core/numbers.py): {{ value|rupiah }} → "Rp 75.000.000",
# {{ value|days }} → "14 hari", {{ value|percent }} → "+37 %", {{ value|number }} → "1.234,5".
register.filter("rupiah", numbers.rupiah)
register.filter("days", numbers.days)
register.filter("hours", numbers.hours)
register.filter("people", numbers.people)


@register.filter
def percent(value) -> str:
    return numbers.percent(value)


@register.filter
def number(value, decimals=1) -> str:
    return numbers.number(value, int(decimals))


@register.filter
def with_unit(value, unit: str) -> str:
    """{{ value|with_unit:"rupiah" }}: a value in one of core/numbers.py's units."""
    return numbers.with_unit(value, unit)


@register.filter
def show(row, which: str) -> str:
    """{{ row|show:"baseline" }}: a value of an innovations.measures.Row in its unit."""
    return row.show(which)
