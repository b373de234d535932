import pytest
from django.core.management import call_command

from labinov.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD
from labinov.regions.models import Region, Unit
from tests.factories import PASSWORD  # noqa: F401  (factories share the test database)


@pytest.fixture
def demo(db):
    call_command("demo")
    return Region.objects.get(code="33.03")


def test_the_demo_region_has_the_units_of_the_2022_lab(demo):
    counts = {k: demo.units.filter(kind=k).count() for k in Unit.Kind.values}
    assert counts["opd"] == 35
    assert counts["kecamatan"] == 18
    assert counts["puskesmas"] + counts["rsud"] == 25
    assert counts["bumd"] == 8
    assert demo.units.filter(name="Dinas Kesehatan", is_demo=False).exists()
    assert all("demo" in u.name for u in demo.units.filter(is_demo=True))


def test_loading_twice_changes_nothing(demo):
    before = Unit.objects.count()
    call_command("demo")
    assert Unit.objects.count() == before


def test_one_demo_account_per_role_logs_in(demo, client):
    roles = {a.role for a in DEMO_ACCOUNTS}
    assert len(roles) == 7
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD)


def test_the_demo_coordinator_sees_the_units_and_people(demo, client):
    client.login(username="demo-koordinator", password=DEMO_PASSWORD)
    html = client.get("/wilayah/33.03/").content.decode()
    assert "Dinas Kependudukan dan Pencatatan Sipil" in html
    assert "Kecamatan Bukateja" in html
    assert client.get("/wilayah/33.03/orang/").status_code == 200


def test_the_demo_unit_head_sees_only_their_unit(demo, client):
    client.login(username="demo-kepala-unit", password=DEMO_PASSWORD)
    assert client.get("/wilayah/33.03/orang/").status_code == 403
    unit = Unit.objects.get(name__startswith="Dinas Kependudukan")
    html = client.get(f"/wilayah/unit/{unit.pk}/").content.decode()
    assert "Akun Demo Anggota Tim" in html
    other = Unit.objects.get(name="Dinas Kesehatan", region=demo)
    assert "Akun Demo" not in client.get(f"/wilayah/unit/{other.pk}/").content.decode()
