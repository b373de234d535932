import pytest

from labinov.accounts.models import RoleAssignment, User
from labinov.core.models import AuditEvent
from tests.regions.test_api import bearer


@pytest.mark.django_db
def test_a_coordinator_gives_a_role_through_the_api(
    client, people, region, unit, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/regions/{region.code}/people",
            {
                "email": "budi@uji.invalid",
                "first_name": "Budi",
                "role": "team_member",
                "unit_id": unit.pk,
            },
            content_type="application/json",
            **bearer(people["coordinator"]),
        )
    assert response.status_code == 201, response.content
    assert response.json()["unit"] == unit.name
    assert len(mailoutbox) == 1
    assert AuditEvent.objects.filter(action="role.assigned", unit=unit).exists()


@pytest.mark.django_db
def test_a_bad_email_is_refused_and_nobody_is_created(client, people, region):
    response = client.post(
        f"/api/v1/regions/{region.code}/people",
        {"email": "bukan-email", "first_name": "X", "role": "coach"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "email"
    assert not User.objects.filter(first_name="X").exists()


@pytest.mark.django_db
def test_another_regions_coordinator_cannot_give_roles_here(client, region, outsider):
    response = client.post(
        f"/api/v1/regions/{region.code}/people",
        {"email": "titip@uji.invalid", "first_name": "T", "role": "coach"},
        content_type="application/json",
        **bearer(outsider),
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="titip@uji.invalid").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"), [("coordinator", True), ("leader", False), ("unit_head", False)]
)
def test_who_takes_a_role_away(client_for, people, region, role, allowed):
    assignment = RoleAssignment.objects.get(user=people["team_member"])
    response = client_for(people[role]).post(f"/wilayah/{region.code}/orang/{assignment.pk}/cabut/")
    exists = RoleAssignment.objects.filter(pk=assignment.pk).exists()
    if allowed:
        assert response.status_code == 302 and not exists
        assert AuditEvent.objects.filter(action="role.revoked").exists()
    else:
        assert response.status_code in (403, 404) and exists


@pytest.mark.django_db
def test_a_coordinator_cannot_take_away_their_own_role(client_for, people, region):
    me = people["coordinator"]
    assignment = RoleAssignment.objects.get(user=me)
    response = client_for(me).post(
        f"/wilayah/{region.code}/orang/{assignment.pk}/cabut/", follow=True
    )
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert 'class="message error"' in response.content.decode()


@pytest.mark.django_db
def test_revoking_through_the_api(client, people):
    assignment = RoleAssignment.objects.get(user=people["coach"])
    response = client.post(
        f"/api/v1/people/{assignment.pk}/revoke", **bearer(people["coordinator"])
    )
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()


@pytest.mark.django_db
def test_a_unit_filter_beyond_any_id_is_refused_not_a_server_error(client, people, unit):
    # Found by the schemathesis test: the number reached SQLite and overflowed (500).
    headers = bearer(people["coordinator"])
    response = client.get("/api/v1/people?unit=-1555794300605835798539926563083780096", **headers)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "unit"
    response = client.get(f"/api/v1/people?unit={2**64}", **headers)
    assert response.status_code == 422
    assert client.get(f"/api/v1/people?unit={unit.pk}", **headers).json()["count"] >= 1
