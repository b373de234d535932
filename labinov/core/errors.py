"""Errors that actions raise and that views, the API and the CLI turn into messages."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _


class NotAllowed(PermissionDenied):
    """The acting user may not do this. The message says why, in words a person can act on."""

    def __init__(self, message=None):
        self.message = message or _("You are not allowed to do this.")
        super().__init__(self.message)


class ActionError(Exception):
    """The action cannot be done as asked (a rule of the domain refuses it)."""

    def __init__(self, message, *, field: str | None = None):
        self.message = message
        self.field = field
        super().__init__(message)


class Conflict(ActionError):
    """The action was asked on a state that has changed since the person saw it (another
    decision came first). Nothing is changed; pages show the message, the API answers 409."""


class AuditTrailIsAppendOnly(Exception):
    def __init__(self):
        super().__init__("Audit events are never changed or deleted.")
