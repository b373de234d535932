import pytest

from labinov.core.models import AuditEvent


@pytest.mark.django_db
def test_anyone_sees_a_region_and_its_units(client, region, unit):
    html = client.get(f"/wilayah/{region.code}/").content.decode()
    assert region.name in html and unit.name in html


@pytest.mark.django_db
def test_units_filter_by_kind_with_htmx(client, region, unit):
    from tests.factories import UnitFactory

    UnitFactory(region=region, name="Kecamatan Uji", kind="kecamatan")
    response = client.get(f"/wilayah/{region.code}/?kind=kecamatan", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Kecamatan Uji" in html and unit.name not in html
    assert "<html" not in html  # only the table, swapped in by htmx


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("platform_admin", 200),
        ("coordinator", 200),
        ("leader", 200),
        ("coach", 200),
        ("assessor", 200),
        ("unit_head", 403),
        ("team_member", 403),
    ],
)
def test_who_sees_the_people_of_a_region(client_for, people, region, role, status):
    response = client_for(people[role]).get(f"/wilayah/{region.code}/orang/")
    assert response.status_code == status
    if status == 200:
        assert people["unit_head"].email in response.content.decode()


@pytest.mark.django_db
def test_the_people_page_asks_anonymous_visitors_to_log_in(client, region):
    response = client.get(f"/wilayah/{region.code}/orang/")
    assert response.status_code == 302 and "/akun/masuk/" in response["Location"]


@pytest.mark.django_db
def test_another_regions_coordinator_sees_no_people_and_no_trail(
    client_for, people, region, unit, outsider
):
    from labinov.regions import actions

    actions.update_unit(acting_user=people["coordinator"], unit=unit, head_name="Ibu Rahasia")
    client = client_for(outsider)
    response = client.get(f"/wilayah/{region.code}/orang/")
    assert response.status_code == 403
    assert people["unit_head"].email not in response.content.decode()
    trail = client.get(f"/wilayah/jejak-audit/?region={region.code}").content.decode()
    assert "unit.updated" not in trail
    unit_page = client.get(f"/wilayah/unit/{unit.pk}/").content.decode()
    assert people["unit_head"].get_full_name() not in unit_page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("platform_admin", True),
        ("coordinator", True),
        ("leader", False),
        ("coach", False),
        ("assessor", False),
        ("unit_head", False),
        ("team_member", False),
    ],
)
def test_who_may_change_a_unit(client_for, people, unit, role, allowed):
    client = client_for(people[role])
    response = client.post(
        f"/wilayah/unit/{unit.pk}/ubah/",
        {"name": unit.name, "kind": "opd", "head_name": "dr. Baru", "head_position": "Kepala"},
    )
    unit.refresh_from_db()
    if allowed:
        assert response.status_code == 302
        assert unit.head_name == "dr. Baru"
        assert AuditEvent.objects.filter(action="unit.updated", unit=unit).exists()
    else:
        assert response.status_code == 403
        assert unit.head_name == ""
        assert not AuditEvent.objects.filter(action="unit.updated").exists()


@pytest.mark.django_db
def test_another_regions_coordinator_cannot_change_a_unit(client_for, unit, outsider):
    response = client_for(outsider).post(
        f"/wilayah/unit/{unit.pk}/ubah/", {"name": "Diganti", "kind": "opd"}
    )
    assert response.status_code == 403
    unit.refresh_from_db()
    assert unit.name == "Dinas Kesehatan Uji"


@pytest.mark.django_db
def test_bad_input_gets_a_message_and_changes_nothing(client_for, people, unit, region):
    from tests.factories import UnitFactory

    UnitFactory(region=region, name="Dinas Pendidikan Uji")
    response = client_for(people["coordinator"]).post(
        f"/wilayah/unit/{unit.pk}/ubah/", {"name": "Dinas Pendidikan Uji", "kind": "bukan-jenis"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html
    unit.refresh_from_db()
    assert unit.name == "Dinas Kesehatan Uji"
    assert not AuditEvent.objects.filter(action="unit.updated").exists()


@pytest.mark.django_db
def test_a_coordinator_invites_a_unit_head_who_gets_an_email(
    client_for, people, region, unit, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["coordinator"]).post(
            f"/wilayah/{region.code}/orang/",
            {"first_name": "Sri", "email": "sri@uji.invalid", "role": "unit_head", "unit": unit.pk},
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1 and "sri@uji.invalid" in mailoutbox[0].to
    assert "/akun/kata-sandi/atur/" in mailoutbox[0].body
    assert AuditEvent.objects.filter(action="role.assigned", unit=unit).exists()


@pytest.mark.django_db
def test_a_unit_role_without_a_unit_is_refused_with_a_message(client_for, people, region):
    from labinov.accounts.models import User

    response = client_for(people["coordinator"]).post(
        f"/wilayah/{region.code}/orang/",
        {"first_name": "Tanpa", "email": "tanpa@uji.invalid", "role": "team_member"},
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not User.objects.filter(email="tanpa@uji.invalid").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "coach", "unit_head"])
def test_only_coordinators_give_roles(client_for, people, region, role):
    from labinov.accounts.models import User

    response = client_for(people[role]).post(
        f"/wilayah/{region.code}/orang/",
        {"first_name": "X", "email": "x@uji.invalid", "role": "coach"},
    )
    assert response.status_code == 403
    assert not User.objects.filter(email="x@uji.invalid").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "sees_region_event", "sees_unit_event"),
    [
        ("coordinator", True, True),
        ("leader", True, True),
        ("coach", False, False),
        ("unit_head", False, True),
        ("team_member", False, True),
    ],
)
def test_who_reads_the_audit_trail(
    client_for, people, region, unit, role, sees_region_event, sees_unit_event
):
    from labinov.regions import actions
    from tests.factories import UnitFactory

    other = UnitFactory(region=region, name="Dinas Lain Uji")
    actions.update_unit(acting_user=people["coordinator"], unit=other, head_name="Kepala Lain")
    actions.update_unit(acting_user=people["coordinator"], unit=unit, head_name="Kepala Ini")
    html = client_for(people[role]).get("/wilayah/jejak-audit/").content.decode()
    assert ("Dinas Lain Uji" in html) is sees_region_event
    assert ("Dinas Kesehatan Uji" in html) is sees_unit_event


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "allowed"), [("platform_admin", True), ("coordinator", False)])
def test_only_a_platform_administrator_adds_a_region(client_for, people, role, allowed):
    from labinov.regions.models import Region

    data = {"code": "99.77", "name": "Kota Uji Baru", "kind": "kota", "province": "Uji"}
    response = client_for(people[role]).post("/wilayah/tambah/", data)
    assert Region.objects.filter(code="99.77").exists() is allowed
    assert response.status_code == (302 if allowed else 403)
    if allowed:
        assert AuditEvent.objects.filter(action="region.created", region__code="99.77").exists()


@pytest.mark.django_db
def test_a_malformed_region_code_is_refused(client_for, people):
    from labinov.regions.models import Region

    response = client_for(people["platform_admin"]).post(
        "/wilayah/tambah/", {"code": "3303", "name": "Salah", "kind": "kabupaten"}
    )
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert not Region.objects.filter(name="Salah").exists()
