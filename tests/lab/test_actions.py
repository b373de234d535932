"""Who may and may not do each action of the lab; gate refusals; audit events."""

from decimal import Decimal

import pytest
from django.utils import translation

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Enrolment, GateDecision, Idea, LabProgramme, Problem, UsgScore
from tests.factories import UnitFactory
from tests.lab.conftest import SYSTEM, add_idea, add_problem, complete_drum_up

ROLES = ["platform_admin", "coordinator", "leader", "coach", "assessor", "unit_head", "team_member"]


def _matrix(allowed):
    return [(role, role in allowed) for role in ROLES]


def _attempt(fn):
    try:
        fn()
    except NotAllowed:
        return False
    return True


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coordinator"}))
def test_who_may_create_a_programme(people, region, role, allowed):
    done = _attempt(
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
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coordinator"}))
def test_who_may_enrol_units_in_bulk(people, region, programme, unit, role, allowed):
    UnitFactory(region=region, name="Kecamatan Uji", kind="kecamatan")
    UnitFactory(region=region, name="Puskesmas Uji", kind="puskesmas")
    done = _attempt(
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
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "unit_head"}))
def test_who_may_sign_the_pact(people, enrolment, role, allowed):
    done = _attempt(
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
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "unit_head"}))
def test_who_may_form_the_team(people, enrolment, role, allowed):
    done = _attempt(
        lambda: actions.add_team_member(acting_user=people[role], enrolment=enrolment, name="Budi")
    )
    assert done == allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "unit_head"}))
def test_who_may_give_team_members_accounts(people, enrolment, role, allowed):
    from labinov.accounts.models import RoleAssignment, User

    done = _attempt(
        lambda: actions.add_team_member(
            acting_user=people[role], enrolment=enrolment, name="Budi", email="budi@uji.invalid"
        )
    )
    member = actions.add_team_member(acting_user=SYSTEM, enrolment=enrolment, name="Cici")
    invited = _attempt(
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


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), _matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_add_a_problem(people, enrolment, role, allowed):
    done = _attempt(
        lambda: actions.add_problem(
            acting_user=people[role],
            enrolment=enrolment,
            service="KTP",
            description="Lama",
            affected="Warga",
        )
    )
    assert done == allowed
    assert enrolment.problems.exists() == allowed


@pytest.mark.django_db
def test_a_problem_without_a_service_is_refused_and_nothing_changes(people, enrolment):
    with pytest.raises(ActionError) as exc:
        actions.add_problem(
            acting_user=people["team_member"],
            enrolment=enrolment,
            service="",
            description="x",
            affected="y",
        )
    assert exc.value.field == "service"
    assert not enrolment.problems.exists()
    assert not AuditEvent.objects.filter(action="lab.problem.added").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), _matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_change_a_problem_and_an_idea(people, enrolment, role, allowed):
    problem = add_problem(enrolment)
    idea = add_idea(problem, people["unit_head"])
    done = _attempt(
        lambda: actions.update_problem(acting_user=people[role], problem=problem, service="KTP")
    )
    assert done == allowed
    assert (Problem.objects.get(pk=problem.pk).service == "KTP") == allowed
    done = _attempt(
        lambda: actions.update_idea(acting_user=people[role], idea=idea, title="KTP daring")
    )
    assert done == allowed
    assert (Idea.objects.get(pk=idea.pk).title == "KTP daring") == allowed


@pytest.mark.django_db
def test_a_change_to_a_problem_is_audited_with_old_and_new_values(people, enrolment):
    problem = Problem.objects.get(pk=add_problem(enrolment).pk)  # as a page loads it
    actions.update_problem(
        acting_user=people["team_member"],
        problem=problem,
        service="Akta kelahiran",  # as it was
        description="Pembuatan akta butuh 21 hari",
        baseline_days=Decimal("21.5"),
    )
    event = AuditEvent.objects.get(action="lab.problem.updated")
    assert event.actor == people["team_member"] and event.unit == enrolment.unit
    assert event.details == {
        "changed": {
            "description": ["Pembuatan akta butuh 14 hari", "Pembuatan akta butuh 21 hari"],
            "baseline_days": ["14.0", "21.5"],
        }
    }
    problem.refresh_from_db()
    assert problem.description == "Pembuatan akta butuh 21 hari"
    assert problem.baseline_days == Decimal("21.5")


@pytest.mark.django_db
def test_saving_a_problem_unchanged_writes_and_records_nothing(people, enrolment):
    problem = add_problem(enrolment)
    same = actions.update_problem(
        acting_user=people["unit_head"],
        problem=problem,
        service=problem.service,
        description=problem.description,
        baseline_days=14,  # 14 days is the 14.0 stored
        evidence_file=None,
    )
    assert same is problem
    assert not AuditEvent.objects.filter(action="lab.problem.updated").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("service", "Name the service concerned."),
        ("description", "Describe the problem."),
        ("affected", "Say who suffers the problem."),
    ],
)
def test_a_problem_emptied_of_a_required_field_is_refused(people, enrolment, field, message):
    problem = add_problem(enrolment)
    with translation.override("en"), pytest.raises(ActionError) as exc:
        actions.update_problem(
            acting_user=people["team_member"], problem=problem, **{"service": "X", field: "  "}
        )
    assert exc.value.field == field and exc.value.message == message
    assert Problem.objects.get(pk=problem.pk).service == "Akta kelahiran"
    assert not AuditEvent.objects.filter(action="lab.problem.updated").exists()


@pytest.mark.django_db
def test_a_problem_cannot_be_made_or_unmade_a_demo_example(people, enrolment):
    problem = add_problem(enrolment)
    with pytest.raises(ActionError) as exc:
        actions.update_problem(acting_user=people["unit_head"], problem=problem, is_demo=True)
    assert "is_demo" in exc.value.message
    assert not Problem.objects.get(pk=problem.pk).is_demo


@pytest.mark.django_db
def test_a_change_to_an_idea_is_audited_and_checked(people, enrolment):
    problem = add_problem(enrolment)
    idea = add_idea(problem, people["team_member"])
    with pytest.raises(ActionError) as exc:
        actions.update_idea(acting_user=people["team_member"], idea=idea, title=" ")
    assert exc.value.field == "title"
    with pytest.raises(ActionError):
        actions.update_idea(
            acting_user=people["team_member"], idea=idea, title="Akta daring", is_demo=True
        )
    actions.update_idea(
        acting_user=people["team_member"],
        idea=idea,
        title="Akta daring",
        description="Ajukan akta dari rumah",
        is_new=True,
    )
    assert not AuditEvent.objects.filter(action="lab.idea.updated").exists()
    actions.update_idea(
        acting_user=people["team_member"],
        idea=idea,
        title="Akta kelahiran daring",
        description="Ajukan akta dari rumah",
        is_new=True,
        benefits=True,
        benefits_note="Orang tua tak perlu datang",
    )
    event = AuditEvent.objects.get(action="lab.idea.updated")
    assert event.details == {
        "changed": {
            "title": ["Akta daring", "Akta kelahiran daring"],
            "benefits": [False, True],
            "benefits_note": ["", "Orang tua tak perlu datang"],
        }
    }
    idea.refresh_from_db()
    assert idea.title == "Akta kelahiran daring" and idea.benefits


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"unit_head", "team_member"}))
def test_who_may_score_usg(people, enrolment, role, allowed):
    problem = add_problem(enrolment)
    done = _attempt(
        lambda: actions.score_usg(
            acting_user=people[role], problem=problem, urgency=5, seriousness=4, growth=3
        )
    )
    assert done == allowed
    assert UsgScore.objects.filter(problem=problem).exists() == allowed


@pytest.mark.django_db
def test_usg_scores_out_of_range_are_refused(people, enrolment):
    problem = add_problem(enrolment)
    with pytest.raises(ActionError) as exc:
        actions.score_usg(
            acting_user=people["team_member"], problem=problem, urgency=6, seriousness=1, growth=1
        )
    assert exc.value.field == "urgency"
    assert not UsgScore.objects.exists()


@pytest.mark.django_db
def test_the_ranking_follows_the_total_of_averages(people, enrolment):
    from labinov.lab.selectors import usg_ranking

    low = add_problem(enrolment, service="Low")
    high = add_problem(enrolment, service="High")
    for who, scores in (("unit_head", (5, 5, 4)), ("team_member", (3, 5, 4))):
        actions.score_usg(
            acting_user=people[who],
            problem=high,
            urgency=scores[0],
            seriousness=scores[1],
            growth=scores[2],
        )
        actions.score_usg(acting_user=people[who], problem=low, urgency=2, seriousness=2, growth=2)
    ranking = usg_ranking(enrolment)
    assert [r["problem"] for r in ranking] == [high, low]
    assert ranking[0]["total"] == 4 + 5 + 4 and ranking[0]["scorers"] == 2


@pytest.mark.django_db
def test_ideas_are_for_priority_problems_only(people, enrolment):
    problem = add_problem(enrolment)
    with pytest.raises(ActionError) as exc:
        actions.add_idea(acting_user=people["team_member"], problem=problem, title="Akta daring")
    assert exc.value.field == "problem"
    actions.score_usg(
        acting_user=people["team_member"], problem=problem, urgency=5, seriousness=5, growth=5
    )
    idea = actions.add_idea(
        acting_user=people["team_member"],
        problem=problem,
        title="Akta daring",
        is_new=True,
        benefits=True,
        no_burden=True,
        in_authority=True,
        replicable=True,
    )
    assert idea.meets_all_criteria


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coordinator", "coach"}))
def test_who_may_decide_the_drum_up_gate(people, enrolment, role, allowed):
    complete_drum_up(enrolment)
    done = _attempt(
        lambda: actions.decide_gate(
            acting_user=people[role],
            subject=enrolment,
            stage=enrolment.stage,
            decision="approved",
            reason="Lengkap",
        )
    )
    assert done == allowed
    enrolment.refresh_from_db()
    assert (enrolment.stage == "diagnose") == allowed
    assert AuditEvent.objects.filter(action="lab.gate.approved").exists() == allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coach"}))
def test_only_a_coach_decides_the_diagnose_gate(people, enrolment, role, allowed):
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    enrolment.refresh_from_db()
    done = _attempt(
        lambda: actions.decide_gate(
            acting_user=people[role],
            subject=enrolment,
            stage=enrolment.stage,
            decision="refused",
            reason="Belum",
        )
    )
    assert done == allowed


@pytest.mark.django_db
def test_a_gate_with_missing_items_is_refused_listing_them_and_audited(people, enrolment):
    actions.sign_commitment(
        acting_user=people["unit_head"], enrolment=enrolment, signer_name="A", signer_position="K"
    )
    record = actions.decide_gate(
        acting_user=people["coach"],
        subject=enrolment,
        stage=enrolment.stage,
        decision="approved",
        reason="Cek",
    )
    assert record.decision == "refused"
    assert [m["key"] for m in record.missing] == ["team_formed", "team_decree", "readiness_done"]
    enrolment.refresh_from_db()
    assert enrolment.stage == "drum_up"
    event = AuditEvent.objects.get(action="lab.gate.refused")
    assert event.details["missing"] == ["team_formed", "team_decree", "readiness_done"]
    assert event.unit == enrolment.unit


@pytest.mark.django_db
def test_the_diagnose_gate_lists_its_missing_items(people, enrolment):
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    enrolment.refresh_from_db()
    problem = add_problem(enrolment)
    record = actions.decide_gate(
        acting_user=people["coach"],
        subject=enrolment,
        stage=enrolment.stage,
        decision="approved",
        reason="Cek",
    )
    assert [m["key"] for m in record.missing] == [
        "causes_analysed",
        "priorities_scored",
        "ideas_checked",
    ]
    actions.score_usg(
        acting_user=people["team_member"], problem=problem, urgency=5, seriousness=5, growth=5
    )
    actions.add_cause(
        acting_user=people["team_member"],
        problem=problem,
        category="metode",
        text="Verifikasi manual",
    )
    actions.add_idea(
        acting_user=people["team_member"],
        problem=problem,
        title="Akta daring",
        is_new=True,
        benefits=True,
        no_burden=True,
        in_authority=True,
        replicable=True,
    )
    record = actions.decide_gate(
        acting_user=people["coach"],
        subject=enrolment,
        stage=enrolment.stage,
        decision="approved",
        reason="Siap",
    )
    assert record.decision == "approved"
    enrolment.refresh_from_db()
    assert enrolment.stage == "design"
    with pytest.raises(ActionError):
        actions.decide_gate(
            acting_user=people["coach"],
            subject=enrolment,
            stage=enrolment.stage,
            decision="approved",
            reason="x",
        )


@pytest.mark.django_db
def test_a_decision_without_a_reason_is_refused_and_nothing_is_recorded(people, enrolment):
    complete_drum_up(enrolment)
    with pytest.raises(ActionError) as exc:
        actions.decide_gate(
            acting_user=people["coach"],
            subject=enrolment,
            stage=enrolment.stage,
            decision="approved",
            reason="  ",
        )
    assert exc.value.field == "reason"
    assert not GateDecision.objects.exists()
    assert not AuditEvent.objects.filter(action__startswith="lab.gate").exists()


@pytest.mark.django_db
def test_a_coach_of_another_region_may_not_decide(enrolment, other_region):
    from tests.conftest import _person

    coach = _person("coach", region=other_region, username="coach-lain")
    complete_drum_up(enrolment)
    with pytest.raises(NotAllowed):
        actions.decide_gate(
            acting_user=coach,
            subject=enrolment,
            stage=enrolment.stage,
            decision="approved",
            reason="x",
        )


@pytest.mark.django_db
def test_dates_passing_move_nothing(people, enrolment):
    from labinov.lab.selectors import board

    complete_drum_up(enrolment)
    rows = board(enrolment.programme)
    assert rows[0]["late"] is True  # 2022 dates are long past
    enrolment.refresh_from_db()
    assert enrolment.stage == "drum_up"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    _matrix(
        {"platform_admin", "coordinator", "leader", "coach", "assessor", "unit_head", "team_member"}
    ),
)
def test_who_may_comment(people, enrolment, role, allowed):
    done = _attempt(
        lambda: actions.add_comment(
            acting_user=people[role], enrolment=enrolment, target=enrolment, text="Bagus"
        )
    )
    assert done == allowed


@pytest.mark.django_db
def test_an_outsider_may_not_comment(outsider, enrolment):
    with pytest.raises(NotAllowed):
        actions.add_comment(acting_user=outsider, enrolment=enrolment, target=enrolment, text="x")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), _matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_fill_in_the_readiness_assessment(people, enrolment, role, allowed):
    from labinov.lab import readiness

    answers = {q["key"]: 4 for q in readiness.questionnaire()["questions"]}
    done = _attempt(
        lambda: actions.submit_readiness(
            acting_user=people[role], enrolment=enrolment, answers=answers
        )
    )
    assert done == allowed


@pytest.mark.django_db
def test_an_incomplete_readiness_assessment_is_refused(people, enrolment):
    with pytest.raises(ActionError):
        actions.submit_readiness(
            acting_user=people["team_member"], enrolment=enrolment, answers={"sdm": 2}
        )
    assert not hasattr(Enrolment.objects.get(pk=enrolment.pk), "readiness")


def test_system_actor_is_a_platform_admin():
    assert SYSTEM.is_superuser


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coordinator"}))
def test_who_may_change_a_programme_and_its_coaches(people, programme, role, allowed):
    done = _attempt(
        lambda: actions.update_programme(
            acting_user=people[role], programme=programme, is_public=True
        )
    )
    assert done == allowed
    programme.refresh_from_db()
    assert programme.is_public == allowed
    done = _attempt(
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
@pytest.mark.parametrize(("role", "allowed"), _matrix({"platform_admin", "coordinator"}))
def test_who_may_invite_a_unit_head(people, enrolment, role, allowed):
    from labinov.accounts.models import RoleAssignment

    done = _attempt(
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
