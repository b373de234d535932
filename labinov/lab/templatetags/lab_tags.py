from django import template

register = template.Library()


@register.filter
def target_key(obj) -> str:
    """The comment target key of an artefact: "<model>:<pk>"."""
    return f"{obj._meta.model_name}:{obj.pk}"


@register.filter
def comments_on(comments: dict, obj) -> list:
    return comments.get(target_key(obj), []) if obj is not None else []
