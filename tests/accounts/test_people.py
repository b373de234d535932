import pytest

from labinov.accounts import actions
from labinov.accounts.models import Role, RoleAssignment, User
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from tests.factories import RoleFactory, UnitFactory, UserFactory
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
    ("role", "allowed"),
    [("coordinator", True), ("leader", False), ("unit_head", True), ("team_member", False)],
)
def test_who_takes_a_team_members_role_away(client_for, people, region, unit, role, allowed):
    """The unit's head may, as they may give it: the team member role of their own unit."""
    member = UserFactory(username="anggota-lain")
    assignment = RoleFactory(user=member, role=Role.TEAM_MEMBER, region=region, unit=unit)
    response = client_for(people[role]).post(f"/wilayah/{region.code}/orang/{assignment.pk}/cabut/")
    exists = RoleAssignment.objects.filter(pk=assignment.pk).exists()
    if allowed:
        assert response.status_code == 302 and not exists
        assert AuditEvent.objects.filter(action="role.revoked").exists()
        # Back to a page the person may see: the region's people, or the unit.
        back = (
            f"/wilayah/{region.code}/orang/"
            if role == "coordinator"
            else f"/wilayah/unit/{unit.pk}/"
        )
        assert response["Location"] == back
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


# A unit's head gives the team member role in their own unit, and nothing else ------------


def _nothing_changed(before_roles, email):
    assert RoleAssignment.objects.count() == before_roles
    assert not User.objects.filter(email=email).exists()
    assert not AuditEvent.objects.filter(action__in=["person.created", "role.assigned"]).exists()


@pytest.mark.django_db
def test_a_unit_head_invites_a_team_member_of_their_unit(
    people, region, unit, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        person = actions.invite_person(
            acting_user=people["unit_head"],
            email="tim@uji.invalid",
            first_name="Tim",
            role=Role.TEAM_MEMBER,
            region=region,
            unit=unit,
        )
    assert RoleAssignment.objects.filter(user=person, role=Role.TEAM_MEMBER, unit=unit).exists()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["tim@uji.invalid"]
    created = AuditEvent.objects.get(action="person.created")
    assert created.actor == people["unit_head"] and created.unit == unit


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "in_unit"),
    [
        (Role.UNIT_HEAD, True),
        (Role.COORDINATOR, False),
        (Role.LEADER, False),
        (Role.COACH, False),
        (Role.ASSESSOR, False),
        (Role.PLATFORM_ADMIN, False),
    ],
)
def test_a_unit_head_gives_no_other_role(people, region, unit, role, in_unit):
    before = RoleAssignment.objects.count()
    with pytest.raises(NotAllowed):
        actions.invite_person(
            acting_user=people["unit_head"],
            email="lain@uji.invalid",
            first_name="Lain",
            role=role,
            region=region,
            unit=unit if in_unit else None,
        )
    with pytest.raises(NotAllowed):
        actions.assign_role(
            acting_user=people["unit_head"],
            user=people["team_member"],
            role=role,
            region=region,
            unit=unit if in_unit else None,
        )
    _nothing_changed(before, "lain@uji.invalid")


@pytest.mark.django_db
@pytest.mark.parametrize("same_region", [True, False])
def test_a_unit_head_gives_no_team_member_role_in_another_unit(
    people, region, other_region, unit, same_region
):
    other = UnitFactory(region=region if same_region else other_region, name="Dinas Lain Uji")
    before = RoleAssignment.objects.count()
    with pytest.raises(NotAllowed):
        actions.invite_person(
            acting_user=people["unit_head"],
            email="lain@uji.invalid",
            first_name="Lain",
            role=Role.TEAM_MEMBER,
            region=other.region,
            unit=other,
        )
    with pytest.raises(NotAllowed):
        actions.assign_role(
            acting_user=people["unit_head"],
            user=people["coach"],
            role=Role.TEAM_MEMBER,
            unit=other,
        )
    _nothing_changed(before, "lain@uji.invalid")


@pytest.mark.django_db
def test_a_unit_head_creates_an_account_only_for_their_team(people, region, unit, other_unit):
    head = people["unit_head"]
    for refused in (
        {"region": region},
        {"unit": unit},
        {"unit": unit, "role": Role.COACH},
        {"unit": other_unit, "role": Role.TEAM_MEMBER},
    ):
        with pytest.raises(NotAllowed):
            actions.create_person(acting_user=head, username="baru", **refused)
    assert not User.objects.filter(username="baru").exists()
    actions.create_person(acting_user=head, username="baru", unit=unit, role=Role.TEAM_MEMBER)
    assert User.objects.filter(username="baru").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["team_member", "coach", "leader"])
def test_only_the_head_among_the_units_people_gives_the_team_role(people, region, unit, role):
    with pytest.raises(NotAllowed):
        actions.invite_person(
            acting_user=people[role],
            email="lain@uji.invalid",
            first_name="Lain",
            role=Role.TEAM_MEMBER,
            region=region,
            unit=unit,
        )
    assert not User.objects.filter(email="lain@uji.invalid").exists()


@pytest.mark.django_db
def test_through_the_api_a_unit_head_gives_only_their_units_team_role(
    client, people, region, other_region, unit, mailoutbox, django_capture_on_commit_callbacks
):
    other = UnitFactory(region=region, name="Dinas Lain Uji")
    headers = bearer(people["unit_head"])
    before = RoleAssignment.objects.count()
    for payload in (
        {"email": "lain@uji.invalid", "first_name": "L", "role": "coach"},
        {"email": "lain@uji.invalid", "first_name": "L", "role": "unit_head", "unit_id": unit.pk},
        {
            "email": "lain@uji.invalid",
            "first_name": "L",
            "role": "team_member",
            "unit_id": other.pk,
        },
    ):
        response = client.post(
            f"/api/v1/regions/{region.code}/people",
            payload,
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 403, payload
        assert response.json()["message"]
    _nothing_changed(before, "lain@uji.invalid")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/regions/{region.code}/people",
            {
                "email": "tim@uji.invalid",
                "first_name": "T",
                "role": "team_member",
                "unit_id": unit.pk,
            },
            content_type="application/json",
            **headers,
        )
    assert response.status_code == 201, response.content
    assert response.json()["role"] == "team_member" and response.json()["unit"] == unit.name
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_people_page_stays_the_coordinators(client_for, people, region, unit):
    response = client_for(people["unit_head"]).post(
        f"/wilayah/{region.code}/orang/",
        {"first_name": "T", "email": "tim@uji.invalid", "role": "team_member", "unit": unit.pk},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="tim@uji.invalid").exists()


@pytest.mark.django_db
def test_a_unit_head_takes_away_no_other_role(client, client_for, people, region, unit):
    from tests.conftest import _person

    other = UnitFactory(region=region, name="Dinas Lain Uji")
    others = [
        RoleAssignment.objects.get(user=people["coach"]),
        RoleAssignment.objects.get(user=_person(Role.UNIT_HEAD, unit=unit, username="wakil")),
        RoleAssignment.objects.get(user=_person(Role.TEAM_MEMBER, unit=other, username="lain")),
    ]
    headers = bearer(people["unit_head"])
    page = client_for(people["unit_head"])
    for assignment in others:
        with pytest.raises(NotAllowed):
            actions.revoke_role(acting_user=people["unit_head"], assignment=assignment)
        response = client.post(f"/api/v1/people/{assignment.pk}/revoke", **headers)
        assert response.status_code in (403, 404)
        response = page.post(f"/wilayah/{region.code}/orang/{assignment.pk}/cabut/")
        assert response.status_code in (403, 404)
        assert RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not AuditEvent.objects.filter(action="role.revoked").exists()


@pytest.mark.django_db
def test_a_unit_head_takes_their_teams_role_away_through_the_api(client, people):
    assignment = RoleAssignment.objects.get(user=people["team_member"])
    response = client.post(f"/api/v1/people/{assignment.pk}/revoke", **bearer(people["unit_head"]))
    assert response.status_code == 204
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert User.objects.filter(pk=people["team_member"].pk).exists()


# Issue 9, finding 10: a coordinator gave any existing account (the platform administrator
# included) a role in their region by e-mail, and the answer showed its username.


@pytest.mark.django_db
@pytest.mark.parametrize("whom", ["platform_admin", "outsider", "roleless"])
def test_a_coordinator_reaches_no_account_outside_the_region(
    client, client_for, people, region, outsider, whom
):
    target = {
        "platform_admin": people["platform_admin"],
        "outsider": outsider,
        "roleless": UserFactory(username="tanpa-peran"),
    }[whom]
    target.email = f"alamat-{whom}@uji.invalid"  # not the username, to see it leak
    target.save(update_fields=["email"])
    before = RoleAssignment.objects.count()
    response = client.post(
        f"/api/v1/regions/{region.code}/people",
        {"email": target.email.upper(), "first_name": "X", "role": "coordinator"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 400
    body = response.json()
    assert body["errors"][0]["field"] == "email"
    assert "administrator platform" in body["message"]
    assert target.username not in response.content.decode()
    page = client_for(people["coordinator"]).post(
        f"/wilayah/{region.code}/orang/",
        {"email": target.email, "first_name": "X", "role": "coordinator"},
    )
    assert page.status_code == 200
    assert target.username not in page.content.decode()
    assert RoleAssignment.objects.count() == before
    assert not AuditEvent.objects.filter(action="role.assigned").exists()


@pytest.mark.django_db
def test_the_refusal_is_the_same_for_an_administrator_and_a_stranger(people, region, outsider):
    messages = set()
    for target in (people["platform_admin"], outsider):
        with pytest.raises(ActionError) as refused:
            actions.invite_person(
                acting_user=people["coordinator"],
                email=target.email,
                first_name="X",
                role=Role.LEADER,
                region=region,
            )
        messages.add(str(refused.value.message))
    assert len(messages) == 1


@pytest.mark.django_db
def test_a_coordinator_still_gives_a_role_to_someone_of_the_region(client, people, region):
    member = people["team_member"]
    response = client.post(
        f"/api/v1/regions/{region.code}/people",
        {"email": member.email, "first_name": "X", "role": "coach"},
        content_type="application/json",
        **bearer(people["coordinator"]),
    )
    assert response.status_code == 201 and response.json()["username"] == member.username
    assert RoleAssignment.objects.filter(user=member, role=Role.COACH, region=region).exists()


@pytest.mark.django_db
def test_a_platform_administrator_gives_a_role_to_any_account(client, people, region, outsider):
    response = client.post(
        f"/api/v1/regions/{region.code}/people",
        {"email": outsider.email, "first_name": "X", "role": "coach"},
        content_type="application/json",
        **bearer(people["platform_admin"]),
    )
    assert response.status_code == 201
    assert RoleAssignment.objects.filter(user=outsider, role=Role.COACH, region=region).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [r for r in Role.values if r != Role.PLATFORM_ADMIN])
def test_only_a_platform_administrator_opens_the_admin_site(people, role):
    admin = people[Role.PLATFORM_ADMIN]
    with pytest.raises(NotAllowed):
        actions.grant_site_admin(acting_user=people[role], user=admin)
    admin.refresh_from_db()
    assert not admin.is_staff
    assert not AuditEvent.objects.filter(action="person.site_admin_granted").exists()


@pytest.mark.django_db
def test_the_admin_site_is_opened_to_platform_administrators_only_and_audited(people):
    admin = people[Role.PLATFORM_ADMIN]
    with pytest.raises(ActionError):
        actions.grant_site_admin(acting_user=admin, user=people[Role.COORDINATOR])
    assert not User.objects.get(pk=people[Role.COORDINATOR].pk).is_staff
    other = UserFactory()
    RoleFactory(user=other, role=Role.PLATFORM_ADMIN, region=None)
    actions.grant_site_admin(acting_user=admin, user=other)
    actions.grant_site_admin(acting_user=admin, user=other)  # nothing more the second time
    other.refresh_from_db()
    assert other.is_staff and other.is_superuser
    assert AuditEvent.objects.filter(action="person.site_admin_granted").count() == 1
