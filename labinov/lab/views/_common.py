"""Helpers shared by the lab's views, and by the innovations' gate view."""

from django.contrib import messages
from django.utils.translation import gettext as _

from labinov.lab.models import GateDecision
from labinov.lab.stages import Work

#: Work that only the unit's head does; the rest the head and the team do.
HEAD_WORK = frozenset({Work.COMMITMENT, Work.TEAM})


def allowed_work(enrolment, *, works: bool, is_head: bool) -> dict[str, bool]:
    """What the person may do on the page now, by kind of work: their role in the unit
    and what the unit's current stage allows (so a page offers no form that the action
    would refuse)."""
    return {
        work.value: (is_head if work in HEAD_WORK else works) and enrolment.allows(work)
        for work in Work
    }


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
