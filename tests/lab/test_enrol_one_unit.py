"""Defect 6 of issue 11: the coordinator enrols one chosen unit, and removes one unit's
enrolment while it has no work yet, on the programme page and through the API."""

import pytest
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.core.models import AuditEvent
from labinov.lab.models import Enrolment
from tests.factories import UnitFactory
from tests.lab.conftest import complete_drum_up

OTHERS = ["leader", "coach", "assessor", "unit_head", "team_member"]


@pytest.fixture
def second_unit(region):
    return UnitFactory(region=region, name="Kecamatan Pilihan", kind="kecamatan")


def _enrolled(programme):
    return set(programme.enrolments.values_list("unit__name", flat=True))


def _api(user):
    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_the_coordinator_picks_one_unit_on_the_programme_page(
    client_for, people, programme, unit, second_unit
):
    client = client_for(people["coordinator"])
    page = client.get(programme.get_absolute_url()).content.decode()
    assert 'id="enrol-unit"' in page and "Kecamatan Pilihan" in page
    response = client.post(f"/lab/{programme.pk}/daftarkan/unit/", {"unit": second_unit.pk})
    assert response.status_code == 302
    assert _enrolled(programme) == {"Kecamatan Pilihan"}
    assert AuditEvent.objects.filter(action="lab.unit.enrolled").count() == 1
    # once enrolled, the unit is no longer offered
    page = client.get(programme.get_absolute_url()).content.decode()
    assert f'<option value="{second_unit.pk}"' not in page


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_enrol_one_unit(client_for, people, programme, second_unit, role):
    response = client_for(people[role]).post(
        f"/lab/{programme.pk}/daftarkan/unit/", {"unit": second_unit.pk}
    )
    assert response.status_code in (403, 404)  # 404 when the programme is not visible
    assert _enrolled(programme) == set()


@pytest.mark.django_db
def test_another_regions_coordinator_may_not_enrol(client_for, outsider, programme, second_unit):
    response = client_for(outsider).post(
        f"/lab/{programme.pk}/daftarkan/unit/", {"unit": second_unit.pk}
    )
    assert response.status_code in (403, 404)
    assert _enrolled(programme) == set()


@pytest.mark.django_db
def test_a_unit_of_another_region_is_refused_with_a_message(
    client_for, people, programme, other_unit
):
    response = client_for(people["coordinator"]).post(
        f"/lab/{programme.pk}/daftarkan/unit/", {"unit": other_unit.pk}
    )
    assert response.status_code == 400
    assert "Hanya unit Kabupaten Uji Satu" in response.content.decode()
    assert _enrolled(programme) == set()


@pytest.mark.django_db
def test_a_unit_already_enrolled_is_refused_with_a_message(
    client_for, people, programme, enrolment, unit
):
    response = client_for(people["coordinator"]).post(
        f"/lab/{programme.pk}/daftarkan/unit/", {"unit": unit.pk}
    )
    assert response.status_code == 400
    assert "sudah terdaftar" in response.content.decode()
    assert programme.enrolments.count() == 1
    assert not AuditEvent.objects.filter(action="lab.unit.enrolled").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "abc", "999999"])
def test_no_unit_or_an_unknown_one_is_refused(client_for, people, programme, value):
    response = client_for(people["coordinator"]).post(
        f"/lab/{programme.pk}/daftarkan/unit/", {"unit": value}
    )
    assert response.status_code == 400
    assert "Pilih unit." in response.content.decode()
    assert _enrolled(programme) == set()


@pytest.mark.django_db
def test_removal_asks_for_confirmation_then_removes(client_for, people, programme, enrolment):
    client = client_for(people["coordinator"])
    url = f"/lab/{programme.pk}/keluarkan/{enrolment.pk}/"
    assert url in client.get(programme.get_absolute_url()).content.decode()
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "Dinas Kesehatan Uji" in confirm.content.decode()
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()  # a GET changes nothing
    response = client.post(url)
    assert response.status_code == 302
    assert not Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert AuditEvent.objects.filter(action="lab.unit.unenrolled").count() == 1


@pytest.mark.django_db
def test_a_unit_with_work_is_not_removed(client_for, people, programme, enrolment):
    complete_drum_up(enrolment)
    response = client_for(people["coordinator"]).post(
        f"/lab/{programme.pk}/keluarkan/{enrolment.pk}/"
    )
    assert response.status_code == 400
    assert "tidak dapat dikeluarkan" in response.content.decode()
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()
    assert not AuditEvent.objects.filter(action="lab.unit.unenrolled").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_others_may_not_remove(client_for, people, programme, enrolment, role):
    response = client_for(people[role]).post(f"/lab/{programme.pk}/keluarkan/{enrolment.pk}/")
    assert response.status_code in (403, 404)  # 404 when the programme is not visible
    assert Enrolment.objects.filter(pk=enrolment.pk).exists()


@pytest.mark.django_db
def test_the_api_enrols_and_removes_one_unit(people, programme, second_unit):
    client = _api(people["coordinator"])
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments",
        {"unit": second_unit.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    enrolment_id = response.json()["id"]
    assert response.json()["unit"] == "Kecamatan Pilihan"
    again = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments",
        {"unit": second_unit.pk},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "sudah terdaftar" in again.json()["message"]
    gone = client.delete(f"/api/v1/programmes/{programme.pk}/enrolments/{enrolment_id}")
    assert gone.status_code == 204
    assert _enrolled(programme) == set()


@pytest.mark.django_db
def test_the_api_refuses_another_regions_unit_and_a_unit_with_work(
    people, programme, enrolment, other_unit
):
    client = _api(people["coordinator"])
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments",
        {"unit": other_unit.pk},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "Hanya unit" in response.json()["message"]
    complete_drum_up(enrolment)
    response = client.delete(f"/api/v1/programmes/{programme.pk}/enrolments/{enrolment.pk}")
    assert response.status_code == 400
    assert "tidak dapat dikeluarkan" in response.json()["message"]
    assert _enrolled(programme) == {"Dinas Kesehatan Uji"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", OTHERS)
def test_the_api_refuses_others(people, programme, enrolment, second_unit, role):
    client = _api(people[role])
    response = client.post(
        f"/api/v1/programmes/{programme.pk}/enrolments",
        {"unit": second_unit.pk},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)  # 404 when the programme is not visible
    response = client.delete(f"/api/v1/programmes/{programme.pk}/enrolments/{enrolment.pk}")
    assert response.status_code in (403, 404)  # 404 when the programme is not visible
    assert _enrolled(programme) == {"Dinas Kesehatan Uji"}
