"""Who may and may not do each innovation action; gate refusals; the audit trail."""

import datetime

import pytest
from django.core.files.base import ContentFile

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from labinov.innovations import actions
from labinov.innovations.models import Innovation, Milestone
from labinov.lab import actions as gate_actions
from labinov.lab.models import Enrolment, GateDecision
from tests.innovations.conftest import (
    DESIGN,
    PNG,
    SYSTEM,
    at_stage,
    fill_design,
    take_through,
)
from tests.roles import attempt, matrix

WORKERS = {"platform_admin", "coordinator", "unit_head", "team_member"}


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix(WORKERS))
def test_who_may_create_an_innovation_from_an_idea(people, idea, role, allowed):
    assert (
        attempt(lambda: actions.create_innovation(acting_user=people[role], idea=idea)) == allowed
    )
    assert Innovation.objects.filter(idea=idea).exists() == allowed
    assert AuditEvent.objects.filter(action="innovations.innovation.created").exists() == allowed


@pytest.mark.django_db
def test_another_region_may_not_create_or_change(outsider, idea, innovation):
    with pytest.raises(NotAllowed):
        actions.create_innovation(acting_user=outsider, idea=idea)
    with pytest.raises(NotAllowed):
        actions.update_innovation(acting_user=outsider, innovation=innovation, name="Diganti")
    with pytest.raises(NotAllowed):
        gate_actions.decide_gate(
            acting_user=outsider,
            subject=innovation,
            stage=innovation.stage,
            decision="approved",
            reason="x",
        )
    innovation.refresh_from_db()
    assert innovation.name == "Akta Lahir dari Puskesmas"
    assert not GateDecision.objects.exists()


@pytest.mark.django_db
def test_an_idea_becomes_an_innovation_only_after_the_diagnose_gate(people, idea):
    Enrolment.objects.filter(pk=idea.problem.enrolment_id).update(stage="diagnose")
    idea.problem.enrolment.refresh_from_db()
    with pytest.raises(ActionError, match="diagnose"):
        actions.create_innovation(acting_user=people["unit_head"], idea=idea)
    assert not Innovation.objects.exists()


@pytest.mark.django_db
def test_an_idea_that_misses_a_criterion_does_not_become_an_innovation(people, idea):
    type(idea).objects.filter(pk=idea.pk).update(replicable=False)
    idea.refresh_from_db()
    with pytest.raises(ActionError) as exc:
        actions.create_innovation(acting_user=people["unit_head"], idea=idea)
    assert exc.value.field == "idea"
    assert not Innovation.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix(WORKERS))
def test_who_may_change_the_form_and_the_action_plan(people, innovation, role, allowed):
    user = people[role]
    done = attempt(
        lambda: actions.update_innovation(acting_user=user, innovation=innovation, **DESIGN)
    )
    assert done == allowed
    done = attempt(
        lambda: actions.add_milestone(
            acting_user=user,
            innovation=innovation,
            title="Sosialisasi",
            owner="Sekretaris",
            start=datetime.date(2022, 11, 1),
            end=datetime.date(2022, 11, 30),
            deliverable="Warga tahu layanan baru",
        )
    )
    assert done == allowed
    assert Milestone.objects.filter(innovation=innovation).exists() == allowed
    innovation.refresh_from_db()
    assert (innovation.design_words >= 300) == allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coach"}))
def test_who_may_decide_the_design_gate(people, innovation, role, allowed):
    fill_design(innovation)
    done = attempt(
        lambda: gate_actions.decide_gate(
            acting_user=people[role],
            subject=innovation,
            stage=innovation.stage,
            decision="approved",
            reason="Baik.",
        )
    )
    assert done == allowed
    innovation.refresh_from_db()
    assert innovation.stage == ("deliver" if allowed else "design")
    assert AuditEvent.objects.filter(action="innovations.gate.approved").exists() == allowed


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix({"platform_admin", "coach", "coordinator"}))
def test_who_may_decide_the_display_gate(people, innovation, role, allowed):
    take_through(innovation, "design", "deliver")
    from tests.innovations.conftest import fill_display

    fill_display(innovation)
    done = attempt(
        lambda: gate_actions.decide_gate(
            acting_user=people[role],
            subject=innovation,
            stage=innovation.stage,
            decision="approved",
            reason="Baik.",
        )
    )
    assert done == allowed
    innovation.refresh_from_db()
    assert innovation.is_published == allowed


@pytest.mark.django_db
def test_the_design_gate_refuses_listing_what_is_missing(people, innovation):
    record = gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage=innovation.stage,
        decision="approved",
        reason="Coba.",
    )
    assert record.decision == "refused"
    assert list(dict.fromkeys(m["key"] for m in record.missing)) == [
        "design_described",
        "action_plan",
    ]
    innovation.refresh_from_db()
    assert innovation.stage == "design"
    event = AuditEvent.objects.get(action="innovations.gate.refused")
    assert event.details["missing"] == ["design_described", "action_plan"]
    assert record.innovation == innovation
    assert record.enrolment_id is None


@pytest.mark.django_db
def test_a_gate_decision_needs_a_reason(people, innovation):
    fill_design(innovation)
    with pytest.raises(ActionError) as exc:
        gate_actions.decide_gate(
            acting_user=people["coach"],
            subject=innovation,
            stage=innovation.stage,
            decision="approved",
            reason=" ",
        )
    assert exc.value.field == "reason"
    assert not GateDecision.objects.exists()


@pytest.mark.django_db
def test_an_innovation_goes_from_design_to_documentation(people, innovation):
    coach = people["coach"]
    take_through(innovation, "design", "deliver", "display", "documentation", decider=coach)
    assert innovation.stage == "documentation"
    assert innovation.documented_at is not None
    assert innovation.published_at is not None
    assert innovation.tahapan == "uji_coba"
    assert list(
        GateDecision.objects.filter(innovation=innovation)
        .order_by("decided_at", "id")
        .values_list("from_stage", flat=True)
    ) == ["design", "deliver", "display", "documentation"]
    with pytest.raises(ActionError):
        actions.update_innovation(acting_user=people["unit_head"], innovation=innovation, aims="x")


@pytest.mark.django_db
def test_tahapan_follows_the_trial_and_implementation_dates(innovation):
    day = datetime.date(2023, 1, 1)
    assert innovation.tahapan_on(day) == "inisiatif"
    innovation.trial_date = datetime.date(2022, 11, 1)
    assert innovation.tahapan_on(day) == "uji_coba"
    innovation.implementation_date = datetime.date(2022, 12, 1)
    assert innovation.tahapan_on(day) == "penerapan"
    at_stage(innovation, "deliver")  # where the trial's dates are set
    with pytest.raises(ActionError) as exc:
        actions.update_innovation(
            acting_user=SYSTEM,
            innovation=Innovation.objects.get(pk=innovation.pk),
            trial_date=datetime.date(2023, 2, 1),
            implementation_date=datetime.date(2023, 1, 1),
        )
    assert exc.value.field == "implementation_date"


@pytest.mark.django_db
def test_the_baseline_of_a_service_target_comes_from_diagnose(people, innovation):
    measure = actions.set_service_measure(
        acting_user=people["team_member"],
        innovation=innovation,
        measure="days",
        target=1,
        baseline=99,
    )
    assert measure.baseline == 14
    people_served = actions.set_service_measure(
        acting_user=people["team_member"],
        innovation=innovation,
        measure="people_served",
        target=500,
        baseline=0,
        actual=420,
    )
    assert people_served.baseline == 0 and people_served.improved


@pytest.mark.django_db
def test_bad_input_gets_a_message_and_changes_nothing(people, innovation):
    user = people["unit_head"]
    at_stage(innovation, "deliver")  # plan, measures and photos are all open there
    with pytest.raises(ActionError) as exc:
        actions.add_milestone(
            acting_user=user,
            innovation=innovation,
            title="X",
            owner="Y",
            start=datetime.date(2023, 2, 1),
            end=datetime.date(2023, 1, 1),
            deliverable="Z",
        )
    assert exc.value.field == "end"
    with pytest.raises(ActionError) as exc:
        actions.set_service_measure(acting_user=user, innovation=innovation, measure="x", target=1)
    assert exc.value.field == "measure"
    with pytest.raises(ActionError) as exc:
        actions.add_photo(
            acting_user=user, innovation=innovation, image=ContentFile(b"x", name="virus.exe")
        )
    assert exc.value.field == "image"
    with pytest.raises(ActionError, match="dibaca"):
        actions.add_photo(
            acting_user=user, innovation=innovation, image=ContentFile(b"x", name="palsu.png")
        )
    assert not innovation.milestones.exists()
    assert not innovation.service_measures.exists()
    assert not innovation.photos.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    matrix(
        {"platform_admin", "coordinator", "leader", "coach", "assessor", "unit_head", "team_member"}
    ),
)
def test_who_may_comment_on_an_innovation(people, innovation, role, allowed):
    done = attempt(
        lambda: actions.add_monitoring_comment(
            acting_user=people[role], innovation=innovation, text="Bagus, lanjutkan."
        )
    )
    assert done == allowed


@pytest.mark.django_db
def test_an_outsider_may_not_comment(outsider, innovation):
    with pytest.raises(NotAllowed):
        actions.add_monitoring_comment(acting_user=outsider, innovation=innovation, text="x")


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), matrix(WORKERS))
def test_who_may_record_delivery(people, innovation, role, allowed):
    fill_design(innovation)
    at_stage(innovation, "deliver")
    user = people[role]
    milestone = innovation.milestones.get()
    attempts = [
        lambda: actions.record_progress(
            acting_user=user, milestone=milestone, progress=50, link="https://contoh.id/bukti"
        ),
        lambda: actions.set_service_measure(
            acting_user=user, innovation=innovation, measure="days", target=1, actual=2
        ),
        lambda: actions.add_risk(acting_user=user, innovation=innovation, description="Sinyal"),
        lambda: actions.add_photo(
            acting_user=user, innovation=innovation, image=ContentFile(PNG, name="a.png")
        ),
    ]
    assert [attempt(a) for a in attempts] == [allowed] * 4
    milestone.refresh_from_db()
    assert milestone.progress == (50 if allowed else 0)
    assert innovation.risks.exists() == allowed
    assert innovation.photos.exists() == allowed


@pytest.mark.django_db
def test_days_in_each_stage_come_from_the_gate_decisions(people, innovation):
    import datetime as dt

    from django.utils import timezone

    from labinov.innovations.selectors import days_in_stages

    start = timezone.now() - dt.timedelta(days=30)
    Innovation.objects.filter(pk=innovation.pk).update(created_at=start)
    innovation.refresh_from_db()
    take_through(innovation, "design", decider=people["coach"])
    GateDecision.objects.filter(innovation=innovation).update(
        decided_at=start + dt.timedelta(days=10)
    )
    spent = days_in_stages(innovation, now=start + dt.timedelta(days=25))
    assert spent == {"design": 10, "deliver": 15}
