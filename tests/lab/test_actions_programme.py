"""Who may and may not run a programme: create and change it, enrol units, sign the pact,
form the team and give it accounts, invite unit heads; refusals change nothing."""

import pytest

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Enrolment, LabProgramme
from tests.factories import UnitFactory
from tests.lab.conftest import SYSTEM
from tests.roles import attempt, matrix


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coordinator"}))
def test_who_may_create_a_programme(people, region, role, allowed):
    done = attempt(
        lambda: actions.create_programme(
            acting_user=people[role], region=region, title="Lab 2030", year=2030
        )
    )
    assert done == allowed
    assert LabProgramme.objects.filter(title="Lab 2030").exists() == allowed
    assert AuditEvent.objects.filter(action="lab.programme.created").exists() == allowed


@pytest.mark.django_db
def test_another_regions_coordinator_may_not_create_or_enrol(outsider, region, programme, unit):
    with pytest.raises(NotAllowed):
        actions.create_programme(acting_user=outsider, region=region, title="X", year=2030)
    with pytest.raises(NotAllowed):
        actions.enrol_units(acting_user=outsider, programme=programme, all_units=True)
    assert not Enrolment.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coordinator"}))
def test_who_may_enrol_units_in_bulk(people, region, programme, unit, role, allowed):
    UnitFactory(region=region, name="Kecamatan Uji", kind="kecamatan")
    UnitFactory(region=region, name="Puskesmas Uji", kind="puskesmas")
    done = attempt(
        lambda: actions.enrol_units(acting_user=people[role], programme=programme, kind="kecamatan")
    )
    assert done == allowed
    enrolled = set(programme.enrolments.values_list("unit__name", flat=True))
    assert enrolled == ({"Kecamatan Uji"} if allowed else set())


@pytest.mark.django_db
def test_enrolling_all_units_twice_enrols_each_once(people, region, programme, unit, other_unit):
    UnitFactory(region=region, name="Kecamatan Uji", kind="kecamatan")
    first = actions.enrol_units(
        acting_user=people["coordinator"], programme=programme, all_units=True
    )
    again = actions.enrol_units(
        acting_user=people["coordinator"], programme=programme, all_units=True
    )
    assert len(first) == 2 and again == []
    assert other_unit.pk not in programme.enrolments.values_list("unit_id", flat=True)


@pytest.mark.django_db
def test_a_unit_of_another_region_cannot_be_enrolled(people, programme, other_unit):
    with pytest.raises(ActionError):
        actions.enrol_units(
            acting_user=people["coordinator"], programme=programme, units=[other_unit]
        )
    assert not programme.enrolments.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "unit_head"}))
def test_who_may_sign_the_pact(people, enrolment, role, allowed):
    done = attempt(
        lambda: actions.sign_commitment(
            acting_user=people[role], enrolment=enrolment, signer_name="dr. A", signer_position="K"
        )
    )
    assert done == allowed
    assert hasattr(Enrolment.objects.get(pk=enrolment.pk), "commitment") == allowed


@pytest.mark.django_db
def test_the_pact_is_signed_once_and_needs_a_name(people, enrolment):
    with pytest.raises(ActionError) as exc:
        actions.sign_commitment(
            acting_user=people["unit_head"],
            enrolment=enrolment,
            signer_name=" ",
            signer_position="K",
        )
    assert exc.value.field == "signer_name"
    actions.sign_commitment(
        acting_user=people["unit_head"], enrolment=enrolment, signer_name="A", signer_position="K"
    )
    with pytest.raises(ActionError):
        actions.sign_commitment(
            acting_user=people["unit_head"],
            enrolment=enrolment,
            signer_name="B",
            signer_position="K",
        )
    assert AuditEvent.objects.filter(action="lab.pact.signed").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "unit_head"}))
def test_who_may_form_the_team(people, enrolment, role, allowed):
    done = attempt(
        lambda: actions.add_team_member(acting_user=people[role], enrolment=enrolment, name="Budi")
    )
    assert done == allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "unit_head"}))
def test_who_may_give_team_members_accounts(people, enrolment, role, allowed):
    from labinov.accounts.models import RoleAssignment, User

    done = attempt(
        lambda: actions.add_team_member(
            acting_user=people[role], enrolment=enrolment, name="Budi", email="budi@uji.invalid"
        )
    )
    member = actions.add_team_member(acting_user=SYSTEM, enrolment=enrolment, name="Cici")
    invited = attempt(
        lambda: actions.invite_team_member(
            acting_user=people[role], member=member, email="cici@uji.invalid"
        )
    )
    assert done == invited == allowed
    for email in ("budi@uji.invalid", "cici@uji.invalid"):
        assert User.objects.filter(email=email).exists() == allowed
        assert (
            RoleAssignment.objects.filter(
                user__email=email, role="team_member", unit=enrolment.unit
            ).exists()
            == allowed
        )


@pytest.mark.django_db
def test_a_unit_head_forms_no_team_of_another_unit(people, region):
    from labinov.accounts.models import User

    other = actions.enrol_units(
        acting_user=SYSTEM,
        programme=LabProgramme.objects.create(region=region, title="Lab Lain", year=2023),
        units=[UnitFactory(region=region, name="Dinas Lain Uji")],
    )[0]
    with pytest.raises(NotAllowed):
        actions.add_team_member(
            acting_user=people["unit_head"], enrolment=other, name="B", email="b@uji.invalid"
        )
    assert not User.objects.filter(email="b@uji.invalid").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("email", ["budi", "budi@", "@uji.invalid", "budi @uji.invalid"])
def test_a_bad_email_is_refused_by_the_action_too(people, enrolment, email):
    from labinov.accounts.models import RoleAssignment

    roles = RoleAssignment.objects.count()
    with pytest.raises(ActionError) as exc:
        actions.add_team_member(
            acting_user=people["unit_head"], enrolment=enrolment, name="Budi", email=email
        )
    assert exc.value.field == "email"
    member = actions.add_team_member(acting_user=people["unit_head"], enrolment=enrolment, name="B")
    for bad in (email, "  "):
        with pytest.raises(ActionError) as exc:
            actions.invite_team_member(acting_user=people["unit_head"], member=member, email=bad)
        assert exc.value.field == "email"
    assert RoleAssignment.objects.count() == roles
    member.refresh_from_db()
    assert member.user is None


@pytest.mark.django_db
def test_an_account_is_on_the_team_once(people, enrolment):
    from django.db import IntegrityError, transaction

    from labinov.lab.models import TeamMember

    head = people["unit_head"]
    first = actions.add_team_member(
        acting_user=head, enrolment=enrolment, name="Budi", email="budi@uji.invalid"
    )
    with pytest.raises(ActionError) as exc:
        actions.add_team_member(
            acting_user=head, enrolment=enrolment, name="Budi lagi", email="BUDI@uji.invalid"
        )
    assert exc.value.field == "email" and "budi@uji.invalid" in exc.value.message.lower()
    name_only = actions.add_team_member(acting_user=head, enrolment=enrolment, name="Budi S.")
    with pytest.raises(ActionError):
        actions.invite_team_member(acting_user=head, member=name_only, email="budi@uji.invalid")
    with pytest.raises(ActionError):
        actions.invite_team_member(acting_user=head, member=first, email="lain@uji.invalid")
    # The database holds the rule too, whoever writes.
    with pytest.raises(IntegrityError), transaction.atomic():
        TeamMember.objects.create(team=first.team, name="Salinan", user=first.user)
    assert TeamMember.objects.filter(user=first.user).count() == 1


@pytest.mark.django_db
def test_removing_keeps_the_role_of_a_member_of_another_programmes_team(people, region, enrolment):
    """The role is per unit, a team per programme: it stays while the person is on the
    unit's team of another programme."""
    from labinov.accounts.models import RoleAssignment

    head = people["unit_head"]
    later = actions.enrol_units(
        acting_user=SYSTEM,
        programme=LabProgramme.objects.create(region=region, title="Lab 2023", year=2023),
        units=[enrolment.unit],
    )[0]
    old = actions.add_team_member(
        acting_user=head, enrolment=enrolment, name="Budi", email="budi@uji.invalid"
    )
    new = actions.add_team_member(
        acting_user=head, enrolment=later, name="Budi", email="budi@uji.invalid"
    )
    role = {"user": old.user, "role": "team_member", "unit": enrolment.unit}
    actions.remove_team_member(acting_user=head, member=old)
    assert RoleAssignment.objects.filter(**role).exists()
    actions.remove_team_member(acting_user=head, member=new)
    assert not RoleAssignment.objects.filter(**role).exists()
    assert [
        e.details["role_revoked"]
        for e in AuditEvent.objects.filter(action="lab.team.member_removed").order_by("pk")
    ] == [False, True]


@pytest.mark.django_db
def test_removing_a_name_or_a_person_without_the_role_revokes_nothing(people, enrolment):
    from labinov.accounts.models import RoleAssignment

    head = people["unit_head"]
    name_only = actions.add_team_member(acting_user=head, enrolment=enrolment, name="Ani")
    linked = actions.add_team_member(
        acting_user=head, enrolment=enrolment, name="Budi", email="budi@uji.invalid"
    )
    RoleAssignment.objects.filter(user=linked.user).delete()
    actions.remove_team_member(acting_user=head, member=name_only)
    actions.remove_team_member(acting_user=head, member=linked)
    assert not AuditEvent.objects.filter(action="role.revoked").exists()
    assert AuditEvent.objects.filter(action="lab.team.member_removed").count() == 2


def test_system_actor_is_a_platform_admin():
    assert SYSTEM.is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coordinator"}))
def test_who_may_change_a_programme_and_its_coaches(people, programme, role, allowed):
    done = attempt(
        lambda: actions.update_programme(
            acting_user=people[role], programme=programme, is_public=True
        )
    )
    assert done == allowed
    programme.refresh_from_db()
    assert programme.is_public == allowed
    done = attempt(
        lambda: actions.set_coaches(
            acting_user=people[role], programme=programme, coaches=[people["coach"]]
        )
    )
    assert done == allowed
    assert programme.coaches.exists() == allowed


@pytest.mark.django_db
def test_only_coaches_of_the_region_may_coach_the_programme(people, programme):
    with pytest.raises(ActionError) as exc:
        actions.set_coaches(
            acting_user=people["coordinator"], programme=programme, coaches=[people["leader"]]
        )
    assert exc.value.field == "coaches"
    assert not programme.coaches.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coordinator"}))
def test_who_may_invite_a_unit_head(people, enrolment, role, allowed):
    from labinov.accounts.models import RoleAssignment

    done = attempt(
        lambda: actions.invite_unit_head(
            acting_user=people[role],
            enrolment=enrolment,
            email="baru@uji.invalid",
            first_name="Baru",
        )
    )
    assert done == allowed
    assert (
        RoleAssignment.objects.filter(
            user__email="baru@uji.invalid", role="unit_head", unit=enrolment.unit
        ).exists()
        == allowed
    )
