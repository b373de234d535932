"""Who may and may not diagnose and design: problems, ideas, USG scores, stage gates,
comments and the readiness assessment; gate refusals list what is missing; audit events."""

from decimal import Decimal

import pytest
from django.utils import translation

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Enrolment, GateDecision, Idea, Problem, UsgScore
from tests.lab.conftest import add_idea, add_problem, complete_drum_up
from tests.roles import attempt, matrix


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_add_a_problem(people, enrolment, role, allowed):
    done = attempt(
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
    ("role", "allowed"), matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_change_a_problem_and_an_idea(people, enrolment, role, allowed):
    problem = add_problem(enrolment)
    idea = add_idea(problem, people["unit_head"])
    done = attempt(
        lambda: actions.update_problem(acting_user=people[role], problem=problem, service="KTP")
    )
    assert done == allowed
    assert (Problem.objects.get(pk=problem.pk).service == "KTP") == allowed
    done = attempt(
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
@pytest.mark.parametrize(("role", "allowed"), matrix({"unit_head", "team_member"}))
def test_who_may_score_usg(people, enrolment, role, allowed):
    problem = add_problem(enrolment)
    done = attempt(
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
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coordinator", "coach"}))
def test_who_may_decide_the_drum_up_gate(people, enrolment, role, allowed):
    complete_drum_up(enrolment)
    done = attempt(
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
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coach"}))
def test_only_a_coach_decides_the_diagnose_gate(people, enrolment, role, allowed):
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    enrolment.refresh_from_db()
    done = attempt(
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
    matrix(
        {"platform_admin", "coordinator", "leader", "coach", "assessor", "unit_head", "team_member"}
    ),
)
def test_who_may_comment(people, enrolment, role, allowed):
    done = attempt(
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
    ("role", "allowed"), matrix({"platform_admin", "unit_head", "team_member"})
)
def test_who_may_fill_in_the_readiness_assessment(people, enrolment, role, allowed):
    from labinov.lab import readiness

    answers = {q["key"]: 4 for q in readiness.questionnaire()["questions"]}
    done = attempt(
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
