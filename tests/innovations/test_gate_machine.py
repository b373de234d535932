"""One gate machine (issue 14): one action decides the gates of a unit's enrolment and of an
innovation; each subject's history holds only its own decisions, in pages and API; refusals
name the object each missing item concerns; an innovation's work follows its stage."""

import datetime

import pytest
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.core.errors import ActionError
from labinov.core.models import AuditEvent
from labinov.innovations import actions
from labinov.innovations.models import Milestone, ServiceMeasure
from labinov.lab import actions as gate_actions
from labinov.lab.models import Enrolment, GateDecision
from labinov.lab.subjects import subject_of
from tests.innovations.conftest import (
    SYSTEM,
    at_stage,
    fill_design,
    take_through,
)
from tests.lab.conftest import add_problem, complete_drum_up


def api(user) -> Client:
    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _post(client, url, **body):
    return client.post(url, body, content_type="application/json")


@pytest.fixture
def histories(people, innovation):
    """The unit passed drum-up and diagnose (its decisions); the innovation was refused,
    then passed design (its decisions)."""
    enrolment = innovation.enrolment
    GateDecision.objects.create(
        enrolment=enrolment,
        from_stage="diagnose",
        to_stage="design",
        decision="approved",
        reason="Alasan unit: diagnosis lengkap",
        decided_by_name="Coach",
        decided_at=datetime.datetime(2022, 10, 13, tzinfo=datetime.UTC),
    )
    refused = gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage="design",
        decision="approved",
        reason="Alasan inovasi: coba dulu",
    )
    assert refused.decision == "refused"
    fill_design(innovation)
    gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage="design",
        decision="approved",
        reason="Alasan inovasi: rancangan lengkap",
    )
    innovation.refresh_from_db()
    return enrolment, innovation


@pytest.mark.django_db
def test_each_subjects_history_lists_only_its_own_decisions_in_the_api(people, histories):
    enrolment, innovation = histories
    client = api(people["coach"])
    unit = client.get(f"/api/v1/enrolments/{enrolment.pk}/gate-decisions").json()
    assert unit["count"] == 1
    assert [(i["enrolment"], i["innovation"]) for i in unit["items"]] == [(enrolment.pk, None)]
    assert unit["items"][0]["reason"] == "Alasan unit: diagnosis lengkap"
    own = client.get(f"/api/v1/innovations/{innovation.pk}/gate-decisions?limit=1").json()
    assert own["count"] == 2 and len(own["items"]) == 1
    every = client.get(f"/api/v1/innovations/{innovation.pk}/gate-decisions").json()["items"]
    assert {(i["enrolment"], i["innovation"]) for i in every} == {(None, innovation.pk)}
    assert [i["reason"] for i in every] == [
        "Alasan inovasi: rancangan lengkap",
        "Alasan inovasi: coba dulu",
    ]


@pytest.mark.django_db
def test_each_subjects_history_lists_only_its_own_decisions_on_its_page(
    client_for, people, histories
):
    enrolment, innovation = histories
    client = client_for(people["coach"])
    workspace = client.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert "Alasan unit: diagnosis lengkap" in workspace
    assert "Alasan inovasi" not in workspace
    page = client.get(innovation.get_absolute_url()).content.decode()
    assert "Alasan inovasi: rancangan lengkap" in page
    assert "Alasan inovasi: coba dulu" in page
    assert "Alasan unit" not in page


@pytest.mark.django_db
def test_the_innovations_gate_history_is_the_regions_work(client_for, people, outsider, histories):
    _enrolment, innovation = histories
    url = f"/api/v1/innovations/{innovation.pk}/gate-decisions"
    assert api(outsider).get(url).status_code == 404
    assert Client().get(url).status_code == 404  # not published: not visible
    take_through(innovation, "deliver", "display", decider=people["coach"])
    anonymous = Client().get(url)  # published now: its summary is public, its work is not
    assert anonymous.status_code == 403
    assert anonymous.json()["code"] == "forbidden"
    assert api(people["leader"]).get(url).json()["count"] == 4


@pytest.mark.django_db
def test_the_api_decides_an_innovations_gate_as_it_does_a_units(people, innovation):
    client = api(people["coach"])
    url = f"/api/v1/innovations/{innovation.pk}/gate-decisions"
    refused = _post(client, url, stage="design", decision="approved", reason="Saya setuju")
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "gate_refused"
    assert [e["field"] for e in body["errors"]] == [
        "design_described",
        "action_plan",
        "action_plan",
    ]
    assert "Akta Lahir dari Puskesmas" in body["message"]
    record = GateDecision.objects.get(innovation=innovation)
    assert record.decision == "refused" and record.reason == "Saya setuju"
    assert record.missing[1]["object"] == {
        "type": "innovation",
        "id": innovation.pk,
        "name": "Akta Lahir dari Puskesmas",
    }

    fill_design(innovation)
    passed = _post(client, url, stage="design", decision="approved", reason="Rancangan baik")
    assert passed.status_code == 201
    item = passed.json()
    assert (item["innovation"], item["enrolment"]) == (innovation.pk, None)
    assert (item["from_stage"], item["to_stage"], item["reason"]) == (
        "design",
        "deliver",
        "Rancangan baik",
    )
    stale = _post(client, url, stage="design", decision="approved", reason="Lagi")
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    team = _post(api(people["team_member"]), url, stage="deliver", decision="approved", reason="x")
    assert team.status_code == 403
    bad = _post(client, url, stage="deliver", decision="maybe", reason="x")
    assert bad.status_code == 422
    innovation.refresh_from_db()
    assert innovation.stage == "deliver"
    assert GateDecision.objects.filter(innovation=innovation).count() == 2
    assert AuditEvent.objects.filter(action__startswith="innovations.gate.").count() == 2


@pytest.mark.django_db
def test_the_one_action_decides_both_kinds_with_one_set_of_checks(people, innovation):
    enrolment = innovation.enrolment
    assert enrolment.stage == "design"
    for subject in (enrolment, innovation):
        with pytest.raises(ActionError) as exc:
            gate_actions.decide_gate(
                acting_user=people["coach"],
                subject=subject,
                stage=subject.stage,
                decision="approved",
                reason="  ",
            )
        assert exc.value.field == "reason"
    with pytest.raises(ActionError, match="per inovasi"):  # a unit has no gate from design on
        gate_actions.decide_gate(
            acting_user=people["coach"],
            subject=enrolment,
            stage="design",
            decision="approved",
            reason="Lanjut",
        )
    assert not GateDecision.objects.exists()
    with pytest.raises(TypeError):
        gate_actions.decide_gate(
            acting_user=people["coach"],
            subject=people["coach"],
            stage="design",
            decision="approved",
            reason="x",
        )


@pytest.mark.django_db
def test_a_units_refusal_names_the_problem_without_a_cause(client_for, people, enrolment):
    complete_drum_up(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    enrolment.refresh_from_db()
    problem = add_problem(enrolment, service="Perekaman KTP-el")
    gate_actions.score_usg(
        acting_user=people["team_member"], problem=problem, urgency=5, seriousness=5, growth=4
    )
    response = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/gerbang/",
        {"stage": "diagnose", "decision": "approved", "reason": "Sudah lengkap menurut saya"},
        follow=True,
    )
    page = response.content.decode()
    assert "Masalah &#x27;Perekaman KTP-el&#x27; belum memiliki penyebab" in page
    record = GateDecision.objects.get(enrolment=enrolment)
    assert record.reason == "Sudah lengkap menurut saya"
    cause = next(m for m in record.missing if m["key"] == "causes_analysed")
    assert cause["object"] == {"type": "problem", "id": problem.pk, "name": "Perekaman KTP-el"}
    ideas = next(m for m in record.missing if m["key"] == "ideas_checked")
    assert "belum memiliki gagasan" in ideas["label"]


@pytest.mark.django_db
def test_a_refusal_names_the_steps_without_evidence(people, innovation):
    take_through(innovation, "design", decider=people["coach"])
    record = gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage="deliver",
        decision="approved",
        reason="Cek",
    )
    step = Milestone.objects.get(innovation=innovation)
    labels = {m["label"]: m["object"] for m in record.missing}
    assert labels[f"Langkah '{step.title}' belum memiliki bukti kemajuan"] == {
        "type": "milestone",
        "id": step.pk,
        "name": step.title,
    }
    measure = ServiceMeasure.objects.get(innovation=innovation)
    assert labels["Ukuran layanan 'Lama penyelesaian (hari)' belum memiliki nilai capaian"] == {
        "type": "service_measure",
        "id": measure.pk,
        "name": "Lama penyelesaian (hari)",
    }


def _state(innovation):
    innovation.refresh_from_db()
    return (
        innovation.name,
        innovation.stage,
        innovation.launch_date,
        Milestone.objects.count(),
        ServiceMeasure.objects.count(),
        innovation.photos.count(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
def test_an_innovations_locked_work_is_refused_with_a_message_and_changes_nothing(
    people, innovation
):
    take_through(innovation, "design", "deliver", decider=people["coach"])
    assert innovation.stage == "display"
    user = people["unit_head"]
    before = _state(innovation)
    attempts = {
        "design": lambda: actions.update_innovation(
            acting_user=user, innovation=innovation, name="Nama baru"
        ),
        "plan": lambda: actions.add_milestone(
            acting_user=user,
            innovation=innovation,
            title="Langkah baru",
            owner="Tim",
            start=datetime.date(2023, 1, 1),
            end=datetime.date(2023, 1, 2),
            deliverable="Hasil",
        ),
        "measures": lambda: actions.set_service_measure(
            acting_user=user, innovation=innovation, measure="steps", target=1
        ),
    }
    for attempt in attempts.values():
        with pytest.raises(ActionError, match="tidak dapat diubah lagi"):
            attempt()
    assert _state(innovation) == before
    # what display allows still works
    actions.update_innovation(
        acting_user=user, innovation=innovation, public_summary="Ringkasan baru untuk warga."
    )


@pytest.mark.django_db
def test_a_documented_innovation_is_closed(people, innovation):
    take_through(
        innovation, "design", "deliver", "display", "documentation", decider=people["coach"]
    )
    before = _state(innovation)
    with pytest.raises(ActionError, match="gerbang terakhirnya"):
        actions.update_innovation(acting_user=people["unit_head"], innovation=innovation, aims="x")
    with pytest.raises(ActionError):
        actions.add_risk(acting_user=people["unit_head"], innovation=innovation, description="R")
    assert _state(innovation) == before
    assert not any(innovation.allowed_work.values())


@pytest.mark.django_db
def test_locked_work_through_http_is_refused_and_its_forms_are_hidden(
    client_for, people, innovation
):
    take_through(innovation, "design", "deliver", decider=people["coach"])
    client = client_for(people["team_member"])
    before = _state(innovation)
    response = client.post(
        f"/inovasi/{innovation.pk}/rencana-aksi/",
        {
            "title": "Langkah baru",
            "owner": "Tim",
            "start": "2023-01-01",
            "end": "2023-01-02",
            "deliverable": "Hasil",
        },
    )
    assert response.status_code == 400
    assert "tidak dapat diubah lagi" in response.content.decode()
    assert _state(innovation) == before
    page = client.get(innovation.get_absolute_url()).content.decode()
    assert 'id="milestone-form"' not in page
    assert 'id="measure-form"' not in page
    assert 'id="display-form"' in page
    edit = client.get(f"/inovasi/{innovation.pk}/ubah/").content.decode()
    assert 'name="name"' in edit and "disabled" in edit.split('name="name"')[1].split(">")[0]


@pytest.mark.django_db
def test_a_coach_reopens_an_innovations_design_with_a_reason(client_for, people, innovation):
    take_through(innovation, "design", decider=people["coach"])
    url = f"/api/v1/innovations/{innovation.pk}/reopen"
    assert _post(api(people["team_member"]), url, reason="Ubah").status_code == 403
    assert _post(api(people["coach"]), url, reason=" ").status_code == 400
    with pytest.raises(ActionError):
        actions.update_innovation(acting_user=SYSTEM, innovation=innovation, name="Nama baru")
    reopened = _post(api(people["coach"]), url, reason="Sasaran perlu dipertajam")
    assert reopened.status_code == 201
    assert reopened.json()["decision"] == "reopened"
    innovation.refresh_from_db()
    assert innovation.stage == "design"
    actions.update_innovation(acting_user=SYSTEM, innovation=innovation, name="Nama baru")
    event = AuditEvent.objects.get(action="innovations.gate.reopened")
    assert event.details["reason"] == "Sasaran perlu dipertajam"
    assert event.details["innovation"] == innovation.pk
    page = client_for(people["coach"]).get(innovation.get_absolute_url()).content.decode()
    assert "Sasaran perlu dipertajam" in page
    with pytest.raises(ActionError):  # nothing before design is the innovation's
        gate_actions.reopen_stage(acting_user=people["coach"], subject=innovation, reason="x")


@pytest.mark.django_db
def test_reopening_a_documented_innovation_opens_its_profile_again(people, innovation):
    take_through(
        innovation, "design", "deliver", "display", "documentation", decider=people["coach"]
    )
    gate_actions.reopen_stage(
        acting_user=people["coordinator"], subject=innovation, reason="Profil diperbaiki"
    )
    innovation.refresh_from_db()
    assert innovation.documented_at is None and innovation.stage == "documentation"
    actions.update_innovation(acting_user=SYSTEM, innovation=innovation, aims="Lebih cepat.")
    assert subject_of(innovation).is_finished(innovation) is False


@pytest.mark.django_db
def test_the_stage_declaration_decides_what_an_innovation_may_change(innovation):
    expected = {
        "design": {"design", "profile", "action_plan", "service_measures"},
        "deliver": {"profile", "action_plan", "service_measures", "delivery", "display"},
        "display": {"profile", "delivery", "display"},
        "documentation": {"profile"},
    }
    for stage, works in expected.items():
        at_stage(innovation, stage)
        assert {w for w, ok in innovation.allowed_work.items() if ok} == works


@pytest.mark.django_db
def test_a_crafted_change_of_a_locked_field_is_refused_not_ignored(client_for, people, innovation):
    """The edit form shows locked fields disabled; a request that changes one anyway gets
    the lock's reason and 400, and nothing changes (found by tests/test_stage_matrix.py)."""
    take_through(innovation, "design", decider=people["coach"])
    before = innovation.name
    response = client_for(people["unit_head"]).post(
        f"/inovasi/{innovation.pk}/ubah/",
        {
            "name": "Nama baru",
            "initiator": innovation.initiator,
            "kind": innovation.kind,
            "form": innovation.form,
        },
    )
    assert response.status_code == 400
    assert "tidak dapat diubah lagi" in response.content.decode()
    innovation.refresh_from_db()
    assert innovation.name == before
