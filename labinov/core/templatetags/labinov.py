from django import template

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
