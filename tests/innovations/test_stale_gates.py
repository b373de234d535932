"""An innovation's gate decision names the stage it decides: the form sent three times
passes one gate and publishes nothing (issue 9, finding 4)."""

import threading

import pytest
from django.db import connection
from django.test import Client

from labinov.core.errors import Conflict
from labinov.core.models import AuditEvent
from labinov.innovations.models import Innovation
from labinov.lab import actions as gate_actions
from labinov.lab.models import GateDecision
from labinov.library.models import LibraryEntry
from tests.conftest import _person
from tests.innovations.conftest import (
    at_stage,
    fill_deliver,
    fill_design,
    fill_display,
    fill_documentation,
    take_through,
)

FORM = {"stage": "design", "decision": "approved", "reason": "Lengkap."}


def _ready_for_three_gates(innovation):
    """Design, deliver and display all complete: without the stage check, three approvals
    of the same design form would publish the innovation."""
    fill_design(innovation)
    fill_deliver(at_stage(innovation, "deliver"))
    fill_display(at_stage(innovation, "display"))
    at_stage(innovation, "design")


@pytest.mark.django_db
def test_the_gate_form_carries_the_stage_the_coach_sees(client_for, people, innovation):
    page = client_for(people["coach"]).get(innovation.get_absolute_url()).content.decode()
    assert 'type="hidden" name="stage" value="design"' in page


@pytest.mark.django_db
def test_a_form_sent_three_times_passes_one_gate_and_publishes_nothing(
    client_for, people, innovation
):
    _ready_for_three_gates(innovation)
    client = client_for(people["coach"])
    url = f"/inovasi/{innovation.pk}/gerbang/"
    assert client.post(url, FORM).status_code == 302
    for _again in range(2):
        page = client.post(url, FORM, follow=True).content.decode()
        assert "Gerbang Design sudah diputuskan oleh" in page
    innovation.refresh_from_db()
    assert innovation.stage == "deliver"
    assert innovation.published_at is None
    assert not LibraryEntry.objects.exists()
    assert GateDecision.objects.filter(innovation=innovation).count() == 1
    assert AuditEvent.objects.filter(action__startswith="innovations.gate.").count() == 1


@pytest.mark.django_db
def test_the_last_gate_decided_twice_names_who_decided_it(people, innovation):
    take_through(innovation, "design", "deliver", "display")
    fill_documentation(innovation)
    decide = {"subject": innovation, "stage": "documentation", "decision": "approved"}
    gate_actions.decide_gate(acting_user=people["coach"], reason="Lengkap.", **decide)
    with pytest.raises(Conflict) as refused:
        gate_actions.decide_gate(acting_user=people["coordinator"], reason="Ya.", **decide)
    assert people["coach"].get_full_name() in str(refused.value.message)
    assert GateDecision.objects.filter(from_stage="documentation").count() == 1


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's in-memory test database reports a shared table as locked instead of "
    "waiting; on SQLite every write transaction is immediate, so writers take turns anyway. "
    "CI runs this on PostgreSQL.",
)
@pytest.mark.django_db(transaction=True)
def test_two_deciders_at_once_yield_exactly_one_decision(people, innovation):
    _ready_for_three_gates(innovation)
    second_coach = _person(
        "coach", region=innovation.enrolment.unit.region, username="pelatih-kedua"
    )
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
            statuses.append(client.post(f"/inovasi/{innovation.pk}/gerbang/", FORM).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=decide, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302, 302]
    assert GateDecision.objects.filter(innovation=innovation).count() == 1
    assert Innovation.objects.get(pk=innovation.pk).stage == "deliver"
