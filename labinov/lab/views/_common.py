"""Helpers shared by the lab's views, and by the innovations' gate view."""

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from labinov.core.errors import ActionError, Conflict
from labinov.lab.models import GateDecision
from labinov.lab.stages import Work

#: Work that only the unit's head does; the rest the head and the team do.
HEAD_WORK = frozenset({Work.COMMITMENT, Work.TEAM})


def refusal_of(fn, /, **kwargs) -> str:
    """Run an action that a page calls without a form: its refusal's message, or ""."""
    try:
        fn(**kwargs)
    except ActionError as exc:
        return str(exc.message)
    return ""


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


def decide_from_form(request, form, decide, /, *, target, passed_message, **kwargs):
    """Call a gate action with a valid ``GateForm``; the response to send, or None to show
    the form again with the refusal on it. ``target`` is the page to go back to (the
    subject's own).

    A decision of a stage decided meanwhile (``Conflict``: the form was sent twice, or
    another coach decided first) changed nothing: the person is sent to the subject's page,
    which shows the current stage, with the message naming who decided and when.
    """
    try:
        record = decide(**kwargs, **form.cleaned_data)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect(target)
    except ActionError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        return None
    report_gate_decision(request, record, passed_message=passed_message(record))
    return redirect(target)
