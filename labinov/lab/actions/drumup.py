"""Writers of a unit's drum-up work: the pact, the team and the readiness self-assessment."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.accounts import actions as account_actions
from labinov.accounts.models import Role, RoleAssignment, User
from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.lab import readiness
from labinov.lab.actions._common import ensure_stage_allows, ensure_unit_head, ensure_works_in
from labinov.lab.models import Commitment, Enrolment, ReadinessAssessment, Team, TeamMember
from labinov.lab.stages import Work


def _actor(user):
    return user if getattr(user, "pk", None) else None


@transaction.atomic
def sign_commitment(
    *, acting_user, enrolment: Enrolment, signer_name: str, signer_position: str, scan=None
) -> Commitment:
    """The unit head signs the programme's pact, once."""
    ensure_unit_head(acting_user, enrolment)
    ensure_stage_allows(enrolment, Work.COMMITMENT)
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
    ensure_stage_allows(enrolment, Work.TEAM)
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


def _clean_email(email: str) -> str:
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ActionError(_("Enter a valid e-mail address."), field="email") from exc
    return email


def _refuse_a_second_entry(team: Team, email: str) -> None:
    """An account is on a team once: say so before anything is written."""
    account = User.objects.filter(email__iexact=email).first()
    if account is not None and team.members.filter(user=account).exists():
        raise ActionError(_("%(email)s is on the team already.") % {"email": email}, field="email")


def _invite(*, acting_user, enrolment: Enrolment, email: str, name: str, position: str, request):
    """The person holds the team member role of the unit (accounts creates the account and
    e-mails the link to set a password if the address is new). Returns the account."""
    first_name, _sep, last_name = name.partition(" ")
    return account_actions.invite_person(
        acting_user=acting_user,
        email=email,
        first_name=first_name[:150],
        last_name=last_name.strip()[:150],
        position=position[:200],
        role=Role.TEAM_MEMBER,
        region=enrolment.programme.region,
        unit=enrolment.unit,
        request=request,
    )


@transaction.atomic
def add_team_member(
    *,
    acting_user,
    enrolment: Enrolment,
    name: str,
    position: str = "",
    team_role: str = TeamMember.TeamRole.MEMBER,
    email: str = "",
    request=None,
) -> TeamMember:
    """Put a person on the unit's innovation team. With an e-mail address, the person
    also holds the team member role of the unit, through their account."""
    ensure_unit_head(acting_user, enrolment)
    ensure_stage_allows(enrolment, Work.TEAM)
    name = (name or "").strip()
    position = (position or "").strip()
    if not name:
        raise ActionError(_("Write the member's name."), field="name")
    if team_role not in TeamMember.TeamRole.values:
        raise ActionError(_("Choose a role in the team from the list."), field="team_role")
    email = _clean_email(email)
    team = _team(enrolment)
    if (
        team_role == TeamMember.TeamRole.LEADER
        and team.members.filter(team_role=team_role).exists()
    ):
        raise ActionError(_("The team has a leader already."), field="team_role")
    user = None
    if email:
        _refuse_a_second_entry(team, email)
        user = _invite(
            acting_user=acting_user,
            enrolment=enrolment,
            email=email,
            name=name,
            position=position,
            request=request,
        )
    member = TeamMember.objects.create(
        team=team, name=name, position=position, team_role=team_role, user=user
    )
    details = {"name": name, "role": team_role}
    if user is not None:
        details["user_id"] = user.pk
    record_event(
        acting_user=acting_user,
        action="lab.team.member_added",
        obj=member,
        unit=enrolment.unit,
        details=details,
    )
    return member


@transaction.atomic
def invite_team_member(*, acting_user, member: TeamMember, email: str, request=None) -> TeamMember:
    """Give a member who is only a name an account: the team member role of the unit."""
    enrolment = member.team.enrolment
    ensure_unit_head(acting_user, enrolment)
    if member.user_id is not None:
        raise ActionError(
            _("%(name)s has an account already.") % {"name": member.name}, field="email"
        )
    email = _clean_email(email)
    if not email:
        raise ActionError(_("Write the member's e-mail address."), field="email")
    _refuse_a_second_entry(member.team, email)
    member.user = _invite(
        acting_user=acting_user,
        enrolment=enrolment,
        email=email,
        name=member.name,
        position=member.position,
        request=request,
    )
    member.save(update_fields=["user"])
    record_event(
        acting_user=acting_user,
        action="lab.team.member_invited",
        obj=member,
        unit=enrolment.unit,
        details={"name": member.name, "user_id": member.user_id},
    )
    return member


@transaction.atomic
def remove_team_member(*, acting_user, member: TeamMember) -> None:
    """Take a person off the team. A person with an account also loses the team member
    role of the unit, unless they are on the unit's team of another programme; the
    account itself stays."""
    enrolment = member.team.enrolment
    ensure_unit_head(acting_user, enrolment)
    ensure_stage_allows(enrolment, Work.TEAM)
    revoked = False
    if member.user_id is not None:
        elsewhere = (
            TeamMember.objects.filter(team__enrolment__unit=enrolment.unit, user_id=member.user_id)
            .exclude(pk=member.pk)
            .exists()
        )
        assignment = RoleAssignment.objects.filter(
            user_id=member.user_id, role=Role.TEAM_MEMBER, unit=enrolment.unit
        ).first()
        if assignment is not None and not elsewhere:
            account_actions.revoke_role(acting_user=acting_user, assignment=assignment)
            revoked = True
    record_event(
        acting_user=acting_user,
        action="lab.team.member_removed",
        obj=member,
        unit=enrolment.unit,
        details={"name": member.name, "role_revoked": revoked},
    )
    member.delete()


@transaction.atomic
def submit_readiness(*, acting_user, enrolment: Enrolment, answers: dict) -> ReadinessAssessment:
    """Record (or replace) the unit's readiness self-assessment, scored from the data file."""
    ensure_works_in(acting_user, enrolment)
    ensure_stage_allows(enrolment, Work.READINESS)
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
