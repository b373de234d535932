"""A gate decision names the stage it decides: a form sent twice, or two coaches deciding
at once, move the unit through one gate only (issue 9, finding 4)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Enrolment, GateDecision
from tests.conftest import _person
from tests.lab.conftest import add_idea, add_problem, complete_drum_up


def _ready_for_two_gates(enrolment, scorer):
    """Drum-up and diagnose both complete: without the stage check, a second approval
    of the same form would pass the diagnose gate too."""
    complete_drum_up(enrolment)
    problem = add_problem(enrolment)
    actions.add_cause(acting_user=scorer, problem=problem, category="metode", text="Manual")
    add_idea(problem, scorer, benefits=True, no_burden=True, in_authority=True, replicable=True)


def _gate_url(enrolment):
    return f"/lab/unit/{enrolment.pk}/gerbang/"


FORM = {"stage": "drum_up", "decision": "approved", "reason": "Lengkap"}


@pytest.mark.django_db
def test_the_gate_form_carries_the_stage_the_coach_sees(client_for, people, enrolment):
    page = client_for(people["coach"]).get(enrolment.get_absolute_url()).content.decode()
    assert 'type="hidden" name="stage" value="drum_up"' in page


@pytest.mark.django_db
def test_a_form_sent_twice_passes_exactly_one_gate(client_for, people, enrolment):
    _ready_for_two_gates(enrolment, people["team_member"])
    client = client_for(people["coach"])
    first = client.post(_gate_url(enrolment), FORM)
    assert first.status_code == 302
    second = client.post(_gate_url(enrolment), FORM, follow=True)
    assert second.status_code == 200
    page = second.content.decode()
    assert "Gerbang Drum-up sudah diputuskan oleh" in page
    assert "Muat ulang halaman" in page
    enrolment.refresh_from_db()
    assert enrolment.stage == "diagnose"
    assert GateDecision.objects.filter(enrolment=enrolment).count() == 1
    assert AuditEvent.objects.filter(action__startswith="lab.gate.").count() == 1


@pytest.mark.django_db
def test_a_stage_that_is_not_a_stage_is_a_message_on_the_form(client_for, people, enrolment):
    complete_drum_up(enrolment)
    response = client_for(people["coach"]).post(_gate_url(enrolment), {**FORM, "stage": "x"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert not GateDecision.objects.exists()


def _token_client(user):
    from labinov.accounts.actions import create_api_token

    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_a_stale_api_decision_answers_409_and_changes_nothing(people, enrolment):
    _ready_for_two_gates(enrolment, people["team_member"])
    url = f"/api/v1/enrolments/{enrolment.pk}/gate-decisions"
    first = _token_client(people["coach"]).post(url, FORM, content_type="application/json")
    assert first.status_code == 201
    other_coach = _person("coach", region=enrolment.programme.region, username="pelatih-kedua")
    stale = _token_client(other_coach).post(url, FORM, content_type="application/json")
    assert stale.status_code == 409
    body = stale.json()
    assert body["code"] == "conflict" and set(body) == {"message", "code", "errors"}
    assert people["coach"].get_full_name() in body["message"]
    enrolment.refresh_from_db()
    assert enrolment.stage == "diagnose"
    assert GateDecision.objects.count() == 1
    assert AuditEvent.objects.filter(action__startswith="lab.gate.").count() == 1


@pytest.mark.django_db
def test_the_api_requires_the_stage(people, enrolment):
    complete_drum_up(enrolment)
    response = _token_client(people["coach"]).post(
        f"/api/v1/enrolments/{enrolment.pk}/gate-decisions",
        {"decision": "approved", "reason": "Lengkap"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["stage"]
    assert not GateDecision.objects.exists()


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database reports a shared table as locked instead of "
    "waiting; on SQLite every write transaction is immediate, so writers take turns anyway. "
    "CI runs this on PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_coaches_deciding_at_once_yield_exactly_one_decision(people, enrolment):
    """Two requests in two threads, each with its own database connection, at the same
    moment: the row lock (PostgreSQL) or the immediate transaction (SQLite) makes them
    take turns, and the second finds the stage decided."""
    _ready_for_two_gates(enrolment, people["team_member"])
    second_coach = _person("coach", region=enrolment.programme.region, username="pelatih-kedua")
    clients = []
    for user in (people["coach"], second_coach):
        client = Client()
        client.force_login(user)
        clients.append(client)
    start = threading.Barrier(len(clients))
    statuses = []

    def decide(client):
        try:
            start.wait()
            statuses.append(client.post(_gate_url(enrolment), FORM).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    assert GateDecision.objects.filter(enrolment=enrolment).count() == 1
    assert Enrolment.objects.get(pk=enrolment.pk).stage == "diagnose"
    assert AuditEvent.objects.filter(action__startswith="lab.gate.").count() == 1
