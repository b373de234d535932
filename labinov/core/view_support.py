"""What the views of every app share."""

from django.core.exceptions import ValidationError

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
