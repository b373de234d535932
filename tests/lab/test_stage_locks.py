"""Locks that follow the stage (issue 14): the work a stage allows is declared in
lab/stages.py; actions refuse the rest with a message, pages hide it, and a coach can
reopen the previous stage with a reason, audited."""

import pytest
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Cause, Enrolment, GateDecision, Idea, Problem, TeamMember
from tests.lab.conftest import SYSTEM, add_idea, add_problem, complete_drum_up

LOCKED = "tidak dapat diubah lagi"


@pytest.fixture
def passed_diagnose(enrolment, people):
    """A unit that wrote its problem and idea in diagnose; the coach has passed its gate."""
    complete_drum_up(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    problem = add_problem(enrolment)
    actions.add_cause(acting_user=SYSTEM, problem=problem, category="metode", text="Manual")
    add_idea(problem, people["team_member"])
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    enrolment.refresh_from_db()
    return enrolment


def _problem(enrolment):
    return Problem.objects.get(enrolment=enrolment)


def _counts():
    return (
        Problem.objects.count(),
        Cause.objects.count(),
        Idea.objects.count(),
        TeamMember.objects.count(),
        AuditEvent.objects.count(),
    )


WRITES = {
    "add a problem": (
        "team_member",
        lambda e: f"/lab/unit/{e.pk}/masalah/baru/",
        {"service": "KTP-el", "description": "Antre lama", "affected": "Warga"},
    ),
    "change a problem": (
        "team_member",
        lambda e: f"/lab/masalah/{_problem(e).pk}/ubah/",
        {"service": "Diubah", "description": "Diubah", "affected": "Warga"},
    ),
    "add a cause": (
        "team_member",
        lambda e: f"/lab/masalah/{_problem(e).pk}/penyebab/",
        {"category": "metode", "text": "Berkas manual"},
    ),
    "score USG": (
        "team_member",
        lambda e: f"/lab/masalah/{_problem(e).pk}/usg/",
        {"urgency": 1, "seriousness": 1, "growth": 1},
    ),
    "add an idea": (
        "team_member",
        lambda e: f"/lab/masalah/{_problem(e).pk}/gagasan/",
        {"title": "Gagasan baru", "description": "Uji"},
    ),
    "remove a cause": (
        "team_member",
        lambda e: f"/lab/penyebab/{Cause.objects.get().pk}/hapus/",
        {},
    ),
    "remove a team member": (
        "unit_head",
        lambda e: f"/lab/anggota/{TeamMember.objects.get().pk}/hapus/",
        {},
    ),
    "add a team member": (
        "unit_head",
        lambda e: f"/lab/unit/{e.pk}/tim/",
        {"name": "Budi", "team_role": "anggota"},
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("work", list(WRITES))
def test_work_of_a_passed_stage_is_refused_with_a_message(
    client_for, people, passed_diagnose, work
):
    role, url, data = WRITES[work]
    before = _counts()
    problem = _problem(passed_diagnose)
    response = client_for(people[role]).post(url(passed_diagnose), data)
    assert response.status_code in (200, 400)
    assert LOCKED in response.content.decode()
    assert _counts() == before
    problem.refresh_from_db()
    assert problem.service == "Akta kelahiran"


@pytest.mark.django_db
def test_pages_hide_the_work_the_stage_does_not_allow(client_for, people, passed_diagnose):
    client = client_for(people["team_member"])
    problem = _problem(passed_diagnose)
    workspace = client.get(f"/lab/unit/{passed_diagnose.pk}/").content.decode()
    assert f"/lab/unit/{passed_diagnose.pk}/masalah/baru/" not in workspace
    page = client.get(f"/lab/masalah/{problem.pk}/").content.decode()
    assert f"/lab/masalah/{problem.pk}/ubah/" not in page
    assert f"/lab/masalah/{problem.pk}/gagasan/" not in page
    assert "masalah dan gagasannya tidak dapat diubah lagi" in page
    head = client_for(people["unit_head"]).get(f"/lab/unit/{passed_diagnose.pk}/").content.decode()
    assert f"/lab/unit/{passed_diagnose.pk}/tim/" not in head


@pytest.mark.django_db
def test_a_coach_reopens_diagnose_with_a_reason_and_the_work_opens_again(
    client_for, people, passed_diagnose
):
    coach = client_for(people["coach"])
    assert "buka-kembali" in coach.get(f"/lab/unit/{passed_diagnose.pk}/").content.decode()
    response = coach.post(
        f"/lab/unit/{passed_diagnose.pk}/buka-kembali/",
        {"reason": "Data dasar masalah KTP-el keliru."},
    )
    assert response.status_code == 302
    passed_diagnose.refresh_from_db()
    assert passed_diagnose.stage == "diagnose"
    record = GateDecision.objects.get(decision=GateDecision.Decision.REOPENED)
    assert (record.from_stage, record.to_stage) == ("design", "diagnose")
    assert record.reason == "Data dasar masalah KTP-el keliru."
    event = AuditEvent.objects.get(action="lab.gate.reopened")
    assert event.details["reason"] == "Data dasar masalah KTP-el keliru."

    problem = _problem(passed_diagnose)
    response = client_for(people["team_member"]).post(
        f"/lab/masalah/{problem.pk}/ubah/",
        {"service": "Akta kelahiran", "description": "Butuh 21 hari", "affected": "Orang tua"},
    )
    assert response.status_code == 302
    problem.refresh_from_db()
    assert problem.description == "Butuh 21 hari"


@pytest.mark.django_db
def test_reopening_needs_a_reason(client_for, people, passed_diagnose):
    response = client_for(people["coach"]).post(
        f"/lab/unit/{passed_diagnose.pk}/buka-kembali/", {"reason": " "}
    )
    assert response.status_code == 400
    passed_diagnose.refresh_from_db()
    assert passed_diagnose.stage == "design"
    assert not GateDecision.objects.filter(decision="reopened").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("team_member", 403),
        ("unit_head", 403),
        ("leader", 403),
        ("assessor", 403),
        ("coordinator", 403),
    ],
)
def test_only_a_coach_reopens(client_for, people, passed_diagnose, role, status):
    response = client_for(people[role]).post(
        f"/lab/unit/{passed_diagnose.pk}/buka-kembali/", {"reason": "Mau ubah"}
    )
    assert response.status_code == status
    passed_diagnose.refresh_from_db()
    assert passed_diagnose.stage == "design"


@pytest.mark.django_db
def test_another_regions_coordinator_cannot_reach_the_unit(client_for, outsider, passed_diagnose):
    response = client_for(outsider).post(
        f"/lab/unit/{passed_diagnose.pk}/buka-kembali/", {"reason": "Mau ubah"}
    )
    assert response.status_code == 404


@pytest.mark.django_db
def test_drum_up_cannot_be_reopened_from_drum_up(client_for, people, enrolment):
    response = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/buka-kembali/", {"reason": "Tidak ada tahap sebelumnya"}
    )
    assert response.status_code == 400
    assert not GateDecision.objects.exists()


def _api(user):
    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_the_api_reopens_and_lists_the_reopening(people, passed_diagnose):
    url = f"/api/v1/enrolments/{passed_diagnose.pk}/reopen"
    member = _api(people["team_member"]).post(
        url, {"reason": "Mau ubah"}, content_type="application/json"
    )
    assert member.status_code == 403
    coach = _api(people["coach"])
    response = coach.post(url, {"reason": "Baseline keliru"}, content_type="application/json")
    assert response.status_code == 201
    assert response.json()["decision"] == "reopened"
    history = coach.get(f"/api/v1/enrolments/{passed_diagnose.pk}/gate-decisions").json()
    assert [i["decision"] for i in history["items"]] == ["reopened"]


@pytest.mark.django_db
def test_a_gate_cannot_be_answered_with_reopened(people, client_for, enrolment):
    complete_drum_up(enrolment)
    api = _api(people["coach"]).post(
        f"/api/v1/enrolments/{enrolment.pk}/gate-decisions",
        {"stage": "drum_up", "decision": "reopened", "reason": "x"},
        content_type="application/json",
    )
    assert api.status_code == 422
    page = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/gerbang/",
        {"stage": "drum_up", "decision": "reopened", "reason": "x"},
    )
    assert page.status_code == 400
    assert not GateDecision.objects.exists()


@pytest.mark.django_db
def test_drum_up_work_is_locked_once_its_gate_is_passed(people, enrolment):
    from labinov.core.errors import ActionError
    from labinov.lab import actions

    complete_drum_up(enrolment)
    actions.decide_gate(
        acting_user=people["coach"],
        subject=enrolment,
        stage="drum_up",
        decision="approved",
        reason="Lengkap",
    )
    answers = enrolment.readiness.answers
    with pytest.raises(ActionError, match=LOCKED):
        actions.submit_readiness(acting_user=SYSTEM, enrolment=enrolment, answers=answers)
