"""The one way a subject moves to the next stage: a recorded gate decision."""

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, Conflict, NotAllowed
from labinov.lab.models import Enrolment, GateDecision
from labinov.lab.stages import (
    BY_KEY,
    Subject,
    get_stage,
    has_gate,
    missing_requirements,
    next_stage,
    previous_stage,
)


def may_decide(user, enrolment: Enrolment) -> bool:
    access = get_access(user)
    stage = get_stage(enrolment.stage)
    return access.is_platform_admin or access.has_region_role(
        enrolment.programme.region_id, stage.deciders
    )


def ensure_current_stage(*, asked: str, current: str, passed: bool, decisions) -> None:
    """Refuse a decision of a stage the subject is no longer at.

    ``asked`` is the stage the person saw when deciding (the form's hidden field, the API's
    ``stage``); ``current`` the stage read under the row lock, ``passed`` whether that
    stage's gate is already passed (a documented innovation stays at its last stage), and
    ``decisions`` the subject's gate decisions, to name who decided first. Two coaches
    deciding at once, or one form sent twice, thus move the subject through one gate only.
    """
    if asked not in BY_KEY:
        raise ActionError(_("Choose the stage whose gate you decide."), field="stage")
    if asked == current and not passed:
        return
    earlier = decisions.filter(from_stage=asked, decision=GateDecision.Decision.APPROVED).first()
    if earlier is not None:
        raise Conflict(
            _(
                "The %(stage)s gate was already decided by %(who)s at %(when)s; "
                "nothing was changed. Reload the page to see the current stage."
            )
            % {
                "stage": get_stage(asked).label,
                "who": earlier.decided_by_name,
                "when": formats.date_format(
                    timezone.localtime(earlier.decided_at), "DATETIME_FORMAT"
                ),
            }
        )
    raise Conflict(
        _(
            "The decision is for the %(asked)s stage, but the current stage is %(current)s; "
            "nothing was changed. Reload the page to see the current stage."
        )
        % {"asked": get_stage(asked).label, "current": get_stage(current).label}
    )


@transaction.atomic
def decide_gate(
    *, acting_user, enrolment: Enrolment, stage: str, decision: str, reason: str
) -> GateDecision:
    """Approve or refuse the gate of ``stage``, which must be the enrolment's current stage.

    ``stage`` is the stage the person saw when deciding: a decision of a stage the
    enrolment has left meanwhile (a form sent twice, two coaches at once) is refused with
    ``Conflict`` and changes nothing; the row lock makes concurrent decisions take turns.

    An approval whose requirements are not all met is recorded as a refusal listing the
    missing items (``GateDecision.missing``); the enrolment then stays where it is.
    Either way the decision is kept and audited. Dates never move anything.
    """
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("programme", "unit")
        .get(pk=enrolment.pk)
    )
    current = enrolment.stage
    if not may_decide(acting_user, enrolment):
        raise NotAllowed(
            _("Only %(roles)s of the region may decide the %(stage)s gate.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in get_stage(current).deciders)),
                "stage": get_stage(current).label,
            }
        )
    ensure_current_stage(
        asked=stage, current=current, passed=False, decisions=enrolment.gate_decisions.all()
    )
    stage = get_stage(current)
    if decision not in GateDecision.GATE_ANSWERS:
        raise ActionError(_("Choose to approve or refuse."), field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the decision."), field="reason")
    following = next_stage(stage.key)
    if following is None or not has_gate(stage.key, "enrolment"):
        raise ActionError(
            _("From %(stage)s on, the work moves per innovation, not per unit.")
            % {"stage": stage.label}
        )
    missing = missing_requirements(stage.key, "enrolment", enrolment)
    outcome = decision
    if decision == GateDecision.Decision.APPROVED and missing:
        outcome = GateDecision.Decision.REFUSED
    record = GateDecision.objects.create(
        enrolment=enrolment,
        from_stage=stage.key,
        to_stage=following.key,
        decision=outcome,
        reason=reason,
        missing=[{"key": r.key, "label": str(r.label)} for r in missing],
        decided_by=acting_user if getattr(acting_user, "pk", None) else None,
        decided_by_name=acting_user.get_full_name() or acting_user.get_username(),
        decided_at=timezone.now(),
    )
    if outcome == GateDecision.Decision.APPROVED:
        enrolment.stage = following.key
        enrolment.save(update_fields=["stage"])
    record_event(
        acting_user=acting_user,
        action=f"lab.gate.{outcome}",
        obj=record,
        unit=enrolment.unit,
        details={
            "from": stage.key,
            "to": following.key,
            "asked": decision,
            "reason": reason,
            "missing": [r.key for r in missing],
        },
    )
    return record


def may_reopen(user, enrolment: Enrolment) -> bool:
    """Whether ``user`` may move the enrolment back to its previous stage: those who
    decide that stage's gate (a platform administrator always)."""
    previous = previous_stage(enrolment.stage)
    if previous is None or previous.subject != Subject.ENROLMENT:
        return False
    access = get_access(user)
    return access.is_platform_admin or access.has_region_role(
        enrolment.programme.region_id, previous.deciders
    )


@transaction.atomic
def reopen_stage(*, acting_user, enrolment: Enrolment, reason: str) -> GateDecision:
    """Move the enrolment back to its previous stage, so that the work that stage allows
    (problems and ideas, after diagnose) can change again; its gate is then decided anew.
    Kept as a decision with its reason, and audited."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("programme", "unit")
        .get(pk=enrolment.pk)
    )
    current = get_stage(enrolment.stage)
    previous = previous_stage(current.key)
    if previous is None or previous.subject != Subject.ENROLMENT:
        raise ActionError(
            _("%(unit)s is in %(stage)s: there is no earlier stage of the unit to reopen.")
            % {"unit": enrolment.unit, "stage": current.label}
        )
    if not may_reopen(acting_user, enrolment):
        raise NotAllowed(
            _("Only %(roles)s of the region may reopen the %(stage)s stage.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in previous.deciders)),
                "stage": previous.label,
            }
        )
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for reopening the stage."), field="reason")
    record = GateDecision.objects.create(
        enrolment=enrolment,
        from_stage=current.key,
        to_stage=previous.key,
        decision=GateDecision.Decision.REOPENED,
        reason=reason,
        decided_by=acting_user if getattr(acting_user, "pk", None) else None,
        decided_by_name=acting_user.get_full_name() or acting_user.get_username(),
        decided_at=timezone.now(),
    )
    enrolment.stage = previous.key
    enrolment.save(update_fields=["stage"])
    record_event(
        acting_user=acting_user,
        action="lab.gate.reopened",
        obj=record,
        unit=enrolment.unit,
        details={"from": current.key, "to": previous.key, "reason": reason},
    )
    return record
