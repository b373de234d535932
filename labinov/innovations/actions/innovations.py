"""Creating an innovation from an idea, editing its national-form fields, and its gates."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.accounts.access import get_access
from labinov.accounts.models import Role
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.innovations.actions._common import (
    actor,
    clean_or_refuse,
    ensure_not_finished,
    ensure_works_on,
)
from labinov.innovations.actions.knowledge_base import publish_to_library
from labinov.innovations.models import DESIGN_SECTIONS, Innovation, InnovationDecision
from labinov.lab.actions.gates import ensure_current_stage
from labinov.lab.models import GateDecision, Idea
from labinov.lab.stages import (
    Subject,
    Work,
    allows,
    get_stage,
    missing_requirements,
    next_stage,
)

EDITABLE_FIELDS = (
    "name",
    "initiator",
    "kind",
    "form",
    "affairs",
    *(f for f, _label in DESIGN_SECTIONS),
    "aims",
    "benefits",
    "expected_results",
    "budget_amount",
    "budget_file",
    "business_profile",
    "trial_date",
    "implementation_date",
    "launch_date",
    "launch_occasion",
    "public_summary",
)
FILE_FIELDS = ("budget_file", "business_profile")


@transaction.atomic
def create_innovation(*, acting_user, idea: Idea, name: str = "", is_demo=False) -> Innovation:
    """Turn a selected idea of a unit that has passed diagnose into an innovation."""
    enrolment = idea.problem.enrolment
    access = get_access(acting_user)
    if not (
        access.is_platform_admin
        or access.has_unit_role(enrolment.unit_id, {Role.UNIT_HEAD, Role.TEAM_MEMBER})
        or access.manages_region(enrolment.unit.region_id)
    ):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s, or the coordinator, may do this.")
            % {"unit": enrolment.unit}
        )
    if not allows(enrolment.stage, Subject.ENROLMENT, Work.START_INNOVATIONS):
        raise ActionError(
            _("The unit must pass the diagnose gate before its ideas become innovations.")
        )
    if not idea.meets_all_criteria:
        raise ActionError(
            _("Only an idea that meets all five PP 38/2017 criteria becomes an innovation."),
            field="idea",
        )
    name = (name or idea.title).strip()[:250]
    innovation = Innovation.objects.create(
        enrolment=enrolment,
        idea=idea,
        name=name,
        design_problem=idea.problem.description,
        design_method=idea.description,
        created_by=actor(acting_user),
        is_demo=is_demo,
    )
    record_event(
        acting_user=acting_user,
        action="innovations.innovation.created",
        obj=innovation,
        unit=enrolment.unit,
        details={"idea": idea.pk},
    )
    return innovation


@transaction.atomic
def update_innovation(*, acting_user, innovation: Innovation, **fields) -> Innovation:
    """Change the national-form fields (a file left out or empty keeps the one stored)."""
    ensure_works_on(acting_user, innovation)
    ensure_not_finished(innovation)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(
            _("These fields cannot be set: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "name" in fields and not str(fields["name"] or "").strip():
        raise ActionError(_("Give the innovation a name."), field="name")
    changed = []
    for field, value in fields.items():
        if field in FILE_FIELDS and not value:
            continue
        if value is None and field not in (
            "budget_amount",
            "trial_date",
            "implementation_date",
            "launch_date",
        ):
            value = ""
        if getattr(innovation, field) != value:
            setattr(innovation, field, value)
            changed.append(field)
    if (
        innovation.trial_date
        and innovation.implementation_date
        and innovation.implementation_date < innovation.trial_date
    ):
        raise ActionError(
            _("Implementation cannot start before the trial."), field="implementation_date"
        )
    clean_or_refuse(innovation)
    innovation.save()
    if innovation.published_at is not None and changed:
        # A published innovation's record follows: the knowledge base and the open feed.
        publish_to_library(innovation)
    record_event(
        acting_user=acting_user,
        action="innovations.innovation.updated",
        obj=innovation,
        unit=innovation.enrolment.unit,
        details={"fields": sorted(changed)},
    )
    return innovation


def may_decide(user, innovation: Innovation) -> bool:
    access = get_access(user)
    stage = get_stage(innovation.stage)
    return access.is_platform_admin or access.has_region_role(
        innovation.enrolment.programme.region_id, stage.deciders
    )


@transaction.atomic
def decide_innovation_gate(
    *, acting_user, innovation: Innovation, stage: str, decision: str, reason: str
) -> GateDecision:
    """Approve or refuse the gate of ``stage``, which must be the innovation's current stage.

    ``stage`` is the stage the person saw when deciding: a decision of a stage already
    decided meanwhile (a form sent twice, two coaches at once) is refused with ``Conflict``
    and changes nothing; the row lock makes concurrent decisions take turns.

    An approval with requirements not met is recorded as a refusal listing what is missing.
    Passing display publishes the innovation; passing documentation closes its record.
    """
    innovation = (
        Innovation.objects.select_for_update()
        .select_related("enrolment__programme", "enrolment__unit")
        .get(pk=innovation.pk)
    )
    current = get_stage(innovation.stage)
    if not may_decide(acting_user, innovation):
        raise NotAllowed(
            _("Only %(roles)s of the region may decide the %(stage)s gate.")
            % {
                "roles": ", ".join(sorted(str(r.label) for r in current.deciders)),
                "stage": current.label,
            }
        )
    ensure_current_stage(
        asked=stage,
        current=current.key,
        passed=innovation.documented_at is not None,
        decisions=GateDecision.objects.filter(innovation_link__innovation=innovation),
    )
    stage = current
    if innovation.documented_at is not None:
        raise ActionError(_("The innovation is documented: every gate is passed."))
    if decision not in GateDecision.GATE_ANSWERS:
        raise ActionError(_("Choose to approve or refuse."), field="decision")
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Give the reason for the decision."), field="reason")
    following = next_stage(stage.key)
    missing = missing_requirements(stage.key, "innovation", innovation)
    outcome = decision
    if decision == GateDecision.Decision.APPROVED and missing:
        outcome = GateDecision.Decision.REFUSED
    now = timezone.now()
    record = GateDecision.objects.create(
        enrolment=innovation.enrolment,
        from_stage=stage.key,
        to_stage=following.key if following else stage.key,
        decision=outcome,
        reason=reason,
        missing=[{"key": r.key, "label": str(r.label)} for r in missing],
        decided_by=actor(acting_user),
        decided_by_name=acting_user.get_full_name() or acting_user.get_username(),
        decided_at=now,
    )
    InnovationDecision.objects.create(innovation=innovation, decision=record)
    if outcome == GateDecision.Decision.APPROVED:
        if following is None:
            innovation.documented_at = now
        else:
            innovation.stage = following.key
            innovation.stage_entered_at = now
        if stage.publishes:
            innovation.published_at = now
        innovation.save(
            update_fields=["stage", "stage_entered_at", "published_at", "documented_at"]
        )
        if stage.publishes:
            publish_to_library(innovation)
    record_event(
        acting_user=acting_user,
        action=f"innovations.gate.{outcome}",
        obj=innovation,
        unit=innovation.enrolment.unit,
        details={
            "from": stage.key,
            "to": record.to_stage,
            "asked": decision,
            "reason": reason,
            "missing": [r.key for r in missing],
        },
    )
    return record
