"""Writers of a unit's drum-up work: the pact, the team and the readiness self-assessment."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.lab import readiness
from labinov.lab.actions._common import ensure_unit_head, ensure_works_in
from labinov.lab.models import Commitment, Enrolment, ReadinessAssessment, Team, TeamMember


def _actor(user):
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def sign_commitment(
    *, acting_user, enrolment: Enrolment, signer_name: str, signer_position: str, scan=None
) -> Commitment:
    """The unit head signs the programme's pact, once."""
    ensure_unit_head(acting_user, enrolment)
    if Commitment.objects.filter(enrolment=enrolment).exists():
        raise ActionError(_("The pact of this unit is signed already."))
    signer_name, signer_position = (signer_name or "").strip(), (signer_position or "").strip()
    if not signer_name:
        raise ActionError(_("Write the name of the person signing."), field="signer_name")
    if not signer_position:
        raise ActionError(_("Write the position of the person signing."), field="signer_position")
    commitment = Commitment(
        enrolment=enrolment,
        pact_text=enrolment.programme.pact_text,
        signer_name=signer_name,
        signer_position=signer_position,
        signed_at=timezone.now(),
        signed_by=_actor(acting_user),
    )
    if scan:
        commitment.scan = scan
    commitment.save()
    record_event(
        acting_user=acting_user,
        action="lab.pact.signed",
        obj=commitment,
        unit=enrolment.unit,
        details={"signer": signer_name, "scan": bool(scan)},
    )
    return commitment


def _team(enrolment: Enrolment) -> Team:
    team, _created = Team.objects.get_or_create(enrolment=enrolment)
    return team


@transaction.atomic
def set_team_decree(
    *, acting_user, enrolment: Enrolment, decree_number: str = "", decree_file=None
) -> Team:
    ensure_unit_head(acting_user, enrolment)
    decree_number = (decree_number or "").strip()
    if not decree_number and not decree_file:
        raise ActionError(
            _("Give the decree's number or upload the decree."), field="decree_number"
        )
    team = _team(enrolment)
    if decree_number:
        team.decree_number = decree_number
    if decree_file:
        team.decree_file = decree_file
    team.save()
    record_event(
        acting_user=acting_user,
        action="lab.team.decree_set",
        obj=team,
        unit=enrolment.unit,
        details={"number": team.decree_number, "file": bool(team.decree_file)},
    )
    return team


@transaction.atomic
def add_team_member(
    *,
    acting_user,
    enrolment: Enrolment,
    name: str,
    position: str = "",
    team_role: str = TeamMember.TeamRole.MEMBER,
    user=None,
) -> TeamMember:
    ensure_unit_head(acting_user, enrolment)
    name = (name or "").strip()
    if not name:
        raise ActionError(_("Write the member's name."), field="name")
    if team_role not in TeamMember.TeamRole.values:
        raise ActionError(_("Choose a role in the team from the list."), field="team_role")
    team = _team(enrolment)
    if (
        team_role == TeamMember.TeamRole.LEADER
        and team.members.filter(team_role=team_role).exists()
    ):
        raise ActionError(_("The team has a leader already."), field="team_role")
    member = TeamMember.objects.create(
        team=team, name=name, position=(position or "").strip(), team_role=team_role, user=user
    )
    record_event(
        acting_user=acting_user,
        action="lab.team.member_added",
        obj=member,
        unit=enrolment.unit,
        details={"name": name, "role": team_role},
    )
    return member


@transaction.atomic
def remove_team_member(*, acting_user, member: TeamMember) -> None:
    enrolment = member.team.enrolment
    ensure_unit_head(acting_user, enrolment)
    record_event(
        acting_user=acting_user,
        action="lab.team.member_removed",
        obj=member,
        unit=enrolment.unit,
        details={"name": member.name},
    )
    member.delete()


@transaction.atomic
def submit_readiness(*, acting_user, enrolment: Enrolment, answers: dict) -> ReadinessAssessment:
    """Record (or replace) the unit's readiness self-assessment, scored from the data file."""
    ensure_works_in(acting_user, enrolment)
    try:
        score, maximum = readiness.score(answers)
    except (KeyError, ValueError, TypeError) as exc:
        raise ActionError(
            _("Answer every question with one of the options."), field="answers"
        ) from exc
    clean = {q["key"]: int(answers[q["key"]]) for q in readiness.questionnaire()["questions"]}
    assessment, _created = ReadinessAssessment.objects.update_or_create(
        enrolment=enrolment,
        defaults={
            "version": readiness.CURRENT_VERSION,
            "answers": clean,
            "score": score,
            "max_score": maximum,
            "submitted_by": _actor(acting_user),
            "submitted_at": timezone.now(),
        },
    )
    record_event(
        acting_user=acting_user,
        action="lab.readiness.submitted",
        obj=assessment,
        unit=enrolment.unit,
        details={"score": score, "max": maximum, "version": readiness.CURRENT_VERSION},
    )
    return assessment
