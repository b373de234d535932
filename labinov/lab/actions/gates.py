"""The one way a subject moves to the next stage: a recorded gate decision."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab.models import Enrolment, GateDecision
from labinov.lab.stages import get_stage, has_gate, missing_requirements, next_stage


def may_decide(user, enrolment: Enrolment) -> bool:
    access = get_access(user)
    stage = get_stage(enrolment.stage)
    return access.is_platform_admin or access.has_region_role(
        enrolment.programme.region_id, stage.deciders
    )


@transaction.atomic
def decide_gate(*, acting_user, enrolment: Enrolment, decision: str, reason: str) -> GateDecision:
    """Approve or refuse the gate of the enrolment's current stage, with a reason.

    An approval whose requirements are not all met is recorded as a refusal listing the
    missing items (``GateDecision.missing``); the enrolment then stays where it is.
    Either way the decision is kept and audited. Dates never move anything.
    """
    enrolment = (
        Enrolment.objects.select_for_update()
        .select_related("programme", "unit")
        .get(pk=enrolment.pk)
    )
    stage = get_stage(enrolment.stage)
    if not may_decide(acting_user, enrolment):
        raise NotAllowed(
            _("Only %(roles)s of the region may decide the %(stage)s gate.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in stage.deciders)),
                "stage": stage.label,
            }
        )
    if decision not in GateDecision.Decision.values:
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
