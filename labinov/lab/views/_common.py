"""Helpers shared by the lab's views, and by the innovations' gate view."""

from django.contrib import messages
from django.utils.translation import gettext as _

from labinov.lab.models import GateDecision


def report_gate_decision(request, record, *, passed_message: str) -> None:
    """Tell the decider what their gate decision did: passed, refused for missing items
    (listed), or a refusal recorded."""
    if record.decision == GateDecision.Decision.APPROVED:
        messages.success(request, passed_message)
    elif record.missing:
        messages.error(
            request,
            _("The gate is refused: these items are missing: %(items)s.")
            % {"items": "; ".join(m["label"] for m in record.missing)},
        )
    else:
        messages.success(request, _("The refusal is recorded."))
