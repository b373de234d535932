import pytest
from django.db import transaction

from labinov.core.actions import record_event
from labinov.core.errors import AuditTrailIsAppendOnly
from labinov.core.models import AuditEvent
from labinov.regions import actions


@pytest.fixture
def event(people, unit):
    actions.update_unit(acting_user=people["coordinator"], unit=unit, head_name="Ibu Uji")
    return AuditEvent.objects.get(action="unit.updated")


def test_an_action_writes_its_audit_event(event, people, unit):
    assert event.actor == people["coordinator"]
    assert event.unit == unit and event.region == unit.region
    assert event.details["changed"]["head_name"] == ["", "Ibu Uji"]


def test_audit_events_cannot_be_changed_or_deleted(event):
    event.action = "forged"
    with pytest.raises(AuditTrailIsAppendOnly):
        event.save()
    with pytest.raises(AuditTrailIsAppendOnly):
        event.delete()
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(action="forged")
    with pytest.raises(AuditTrailIsAppendOnly):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "unit.updated"


@pytest.mark.django_db(transaction=True)
def test_an_event_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError):
        record_event(acting_user=None, action="x")


@pytest.mark.django_db(transaction=True)
def test_a_failed_action_leaves_neither_change_nor_event(people, unit):
    with pytest.raises(ValueError), transaction.atomic():
        actions.update_unit(acting_user=people["coordinator"], unit=unit, head_name="Pak Uji")
        raise ValueError("something after the action fails")
    unit.refresh_from_db()
    assert unit.head_name == ""
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


def test_the_admin_offers_no_change_or_delete(client_for, people, event):
    client = client_for(people["platform_admin"])
    people["platform_admin"].is_staff = True
    people["platform_admin"].is_superuser = True
    people["platform_admin"].save()
    assert client.get(f"/admin/core/auditevent/{event.pk}/change/").status_code == 200
    response = client.post(f"/admin/core/auditevent/{event.pk}/change/", {"action": "forged"})
    assert response.status_code == 403
    assert (
        client.post(f"/admin/core/auditevent/{event.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert AuditEvent.objects.filter(pk=event.pk, action="unit.updated").exists()
