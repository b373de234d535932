import pytest

from labinov.accounts.actions import create_api_token
from labinov.core.models import AuditEvent


def bearer(user):
    _token, raw = create_api_token(acting_user=user, name="uji")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.django_db
def test_anyone_lists_regions_and_units(client, region, unit):
    regions = client.get("/api/v1/regions").json()
    assert regions["count"] == 1 and regions["items"][0]["code"] == region.code
    units = client.get(f"/api/v1/units?region={region.code}").json()
    assert [u["name"] for u in units["items"]] == [unit.name]


@pytest.mark.django_db
def test_a_coordinator_changes_a_unit_with_a_token(client, people, unit):
    response = client.patch(
        f"/api/v1/units/{unit.pk}",
        {"head_name": "dr. Token"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 200, response.content
    assert response.json()["head_name"] == "dr. Token"
    assert AuditEvent.objects.filter(action="unit.updated", actor=people["coordinator"]).exists()


@pytest.mark.django_db
def test_null_clears_an_optional_text_and_is_refused_for_a_required_one(client, people, unit):
    # Found by the schemathesis test: JSON null for an optional text answered 500.
    headers = bearer(people["coordinator"])
    unit.head_name = "dr. Lama"
    unit.save()
    response = client.patch(
        f"/api/v1/units/{unit.pk}", {"head_name": None}, content_type="application/json", **headers
    )
    assert response.status_code == 200, response.content
    assert response.json()["head_name"] == ""
    response = client.patch(
        f"/api/v1/units/{unit.pk}", {"name": None}, content_type="application/json", **headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "name"
    unit.refresh_from_db()
    assert unit.name == "Dinas Kesehatan Uji"


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "coach", "assessor", "unit_head", "team_member"])
def test_other_roles_cannot_change_a_unit(client, people, unit, role):
    response = client.patch(
        f"/api/v1/units/{unit.pk}",
        {"head_name": "dr. Token"},
        content_type="application/json",
        **bearer(people[role]),
    )
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    unit.refresh_from_db()
    assert unit.head_name == ""


@pytest.mark.django_db
def test_another_regions_coordinator_can_neither_read_nor_change(
    client, people, region, unit, outsider
):
    headers = bearer(outsider)
    people_list = client.get(f"/api/v1/people?region={region.code}", **headers).json()
    assert people_list["count"] == 0
    response = client.patch(
        f"/api/v1/units/{unit.pk}", {"name": "Dirampas"}, content_type="application/json", **headers
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name == "Dinas Kesehatan Uji"
    response = client.post(
        f"/api/v1/regions/{region.code}/units",
        {"name": "Unit Titipan", "kind": "opd"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 403
    assert not unit.region.units.filter(name="Unit Titipan").exists()
    assert client.get(f"/api/v1/audit-events?region={region.code}", **headers).json()["count"] == 0


@pytest.mark.django_db
def test_people_of_the_region_for_its_readers(client, people, region):
    body = client.get(f"/api/v1/people?region={region.code}", **bearer(people["leader"])).json()
    roles = {item["role"] for item in body["items"]}
    assert {"coordinator", "leader", "unit_head", "team_member"} <= roles


@pytest.mark.django_db
def test_bad_input_is_refused_with_the_field_named(client, people, region):
    response = client.post(
        f"/api/v1/regions/{region.code}/units",
        {"name": "Unit Baru", "kind": "planet"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 422
    assert any(e["field"] == "kind" for e in response.json()["errors"])
    assert not region.units.filter(name="Unit Baru").exists()


@pytest.mark.django_db
def test_a_duplicate_unit_name_is_refused(client, people, region, unit):
    response = client.post(
        f"/api/v1/regions/{region.code}/units",
        {"name": unit.name, "kind": "opd"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "name"
    assert region.units.count() == 1


@pytest.mark.django_db
def test_a_session_write_needs_the_csrf_token(people, unit):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(people["coordinator"])
    response = client.patch(
        f"/api/v1/units/{unit.pk}", {"head_name": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


@pytest.mark.django_db
def test_regions_are_added_by_platform_administrators_only(client, people):
    data = {"code": "99.55", "name": "Kabupaten API", "kind": "kabupaten"}
    refused = client.post(
        "/api/v1/regions", data, content_type="application/json", **bearer(people["coordinator"])
    )
    assert refused.status_code == 403
    created = client.post(
        "/api/v1/regions", data, content_type="application/json", **bearer(people["platform_admin"])
    )
    assert created.status_code == 201 and created.json()["code"] == "99.55"
    again = client.post(
        "/api/v1/regions", data, content_type="application/json", **bearer(people["platform_admin"])
    )
    assert again.status_code == 400 and again.json()["errors"][0]["field"] == "code"


@pytest.mark.django_db
def test_a_malformed_region_code_is_refused_with_the_field_named(client, people):
    response = client.post(
        "/api/v1/regions",
        {"code": "3303", "name": "Salah", "kind": "kabupaten"},
        content_type="application/json",
        **bearer(people["platform_admin"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "code"
