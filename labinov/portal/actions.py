"""The only writers of the portal: citizens' proposals, filed with no account and moderated
by the region's coordinator (``Access.moderates_proposals_of``)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from labinov.portal.models import Proposal
from labinov.portal.selectors import current_enrolments

AUDIT_ACTIONS = {
    "portal.proposal.filed": gettext_lazy("Citizen's proposal received"),
    "portal.proposal.decided": gettext_lazy("Citizen's proposal decided"),
    "portal.proposal.turned_into_idea": gettext_lazy("Citizen's proposal passed to a unit"),
}

#: The longest texts a proposal keeps (the form and the API say so before this refuses).
LIMITS = {"name": 200, "contact": 200, "service": 250, "problem": 5000, "idea": 5000}
DECISIONS = {
    "accept": Proposal.Status.ACCEPTED,
    "reject": Proposal.Status.REJECTED,
    "spam": Proposal.Status.SPAM,
}


def _ensure_moderates(acting_user, proposal: Proposal) -> None:
    if not get_access(acting_user).moderates_proposals_of(proposal.region_id):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may moderate its citizens' proposals.")
            % {"region": proposal.region}
        )


def clean_proposal(fields: dict) -> dict:
    """The proposal's texts, stripped; a missing or too long one is refused."""
    cleaned = {k: (fields.get(k) or "").strip() for k in LIMITS}
    messages = {
        "service": _("Name the public service concerned."),
        "problem": _("Describe the problem of the service."),
        "idea": _("Describe your idea."),
    }
    for key, message in messages.items():
        if not cleaned[key]:
            raise ActionError(message, field=key)
    for key, limit in LIMITS.items():
        if len(cleaned[key]) > limit:
            raise ActionError(_("At most %(n)s characters, please.") % {"n": limit}, field=key)
    return cleaned


@transaction.atomic
def file_proposal(*, acting_user, region, **fields) -> Proposal:
    """A citizen files a proposal (no account needed: ``acting_user`` is usually
    anonymous). The audit event names no person: the proposer's name and contact stay on
    the proposal, read by the region's moderators only."""
    proposal = Proposal.objects.create(region=region, **clean_proposal(fields))
    record_event(
        acting_user=acting_user,
        action="portal.proposal.filed",
        obj=proposal,
        region=region,
        details={"service": proposal.service},
    )
    return proposal


@transaction.atomic
def decide_proposal(
    *, acting_user, proposal: Proposal, decision: str, reason: str = ""
) -> Proposal:
    """Accept, reject (with a reason the proposer reads) or mark as spam."""
    _ensure_moderates(acting_user, proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if decision not in DECISIONS:
        raise ActionError(_("Choose accept, reject or spam."), field="decision")
    if proposal.status == Proposal.Status.IDEA:
        raise ActionError(
            _("This proposal is already an idea of a unit; it cannot be decided again."),
            field="decision",
        )
    reason = (reason or "").strip()
    if decision == "reject" and not reason:
        raise ActionError(
            _("Say why the proposal is not taken up: the proposer reads it."), field="reason"
        )
    if len(reason) > 2000:
        raise ActionError(_("At most %(n)s characters, please.") % {"n": 2000}, field="reason")
    proposal.status = DECISIONS[decision]
    proposal.reason = reason
    proposal.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    record_event(
        acting_user=acting_user,
        action="portal.proposal.decided",
        obj=proposal,
        region=proposal.region,
        details={"decision": decision, "reason": reason},
    )
    return proposal


@transaction.atomic
def turn_into_idea(
    *, acting_user, proposal: Proposal, enrolment: Enrolment, title: str, reason: str = ""
) -> Proposal:
    """Pass a proposal to a unit: its problem and idea become the unit's problem and idea
    in the region's current programme, through the lab's own actions (``add_problem`` and
    ``add_idea`` with ``from_public``), and the proposal links to the idea."""
    _ensure_moderates(acting_user, proposal)
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if not proposal.is_open:
        raise ActionError(
            _("Only a proposal that is received or accepted can be passed to a unit."),
            field="enrolment",
        )
    if enrolment.pk not in {e.pk for e in current_enrolments(proposal.region)}:
        raise ActionError(
            _("Choose a unit enrolled in the current programme of %(region)s.")
            % {"region": proposal.region},
            field="enrolment",
        )
    problem = lab_actions.add_problem(
        acting_user=acting_user,
        enrolment=enrolment,
        from_public=True,
        service=proposal.service,
        description=proposal.problem,
        affected=_("Citizens (a citizen's proposal)"),
    )
    idea = lab_actions.add_idea(
        acting_user=acting_user,
        problem=problem,
        title=title or proposal.idea[:250],
        description=proposal.idea,
        from_public=True,
    )
    proposal.status = Proposal.Status.IDEA
    proposal.lab_idea = idea
    proposal.reason = (reason or "").strip()
    proposal.decided_by = acting_user if getattr(acting_user, "pk", None) else None
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "lab_idea", "reason", "decided_by", "decided_at"])
    record_event(
        acting_user=acting_user,
        action="portal.proposal.turned_into_idea",
        obj=proposal,
        unit=enrolment.unit,
        details={"idea": idea.pk, "enrolment": enrolment.pk},
    )
    return proposal
