"""What the views of every app share."""

from django.core.exceptions import ValidationError
from django.utils.http import url_has_allowed_host_and_scheme

from labinov.core.errors import ActionError


def apply_action(form, fn, /, **kwargs):
    """Run an action; a refusal becomes a message on the form. Returns the result or None."""
    try:
        return fn(**kwargs)
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    return None


def safe_next(request, fallback: str) -> str:
    """Where to go after an action: the form's ``next`` when it is a page of this site,
    else ``fallback``. A ``next`` naming another site (``//evil.example``,
    ``https://evil.example``) would make a link of ours send people there."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
