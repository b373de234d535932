from django import template

from labinov.core.audit_labels import audit_action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """The readable name of an audit action code, e.g. "unit.updated" → "Unit diubah"."""
    return audit_action_label(code)
