import os

import pytest
from django.test import Client

from labinov.accounts.models import Role
from tests.factories import RegionFactory, RoleFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    """Tests render templates without running collectstatic first, hash passwords
    quickly (the real hasher takes a deliberate fraction of a second per password), and
    keep the embedded search index of each test apart."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test's embedded search index is its own (its database is rolled back).
    settings.LIBRARY_SEARCH_INDEX_DIR = tmp_path / "search-index"


@pytest.fixture(autouse=True, scope="session")
def _shared_static_root(tmp_path_factory):
    """The `labinov serve` processes of a test run share one folder of collected static
    files: the first server collects them, the others find them current
    (labinov/core/staticfiles.py)."""
    os.environ["LABINOV_STATIC_ROOT"] = str(tmp_path_factory.getbasetemp() / "static")


@pytest.fixture
def region(db):
    return RegionFactory(code="99.01", name="Kabupaten Uji Satu")


@pytest.fixture
def other_region(db):
    return RegionFactory(code="99.02", name="Kota Uji Dua", kind="kota")


@pytest.fixture
def unit(region):
    return UnitFactory(region=region, name="Dinas Kesehatan Uji")


@pytest.fixture
def other_unit(other_region):
    return UnitFactory(region=other_region, name="Dinas Kesehatan Lain")


def _person(role, *, region=None, unit=None, username=None):
    user = UserFactory(
        username=username or f"{role}-{(unit or region).pk if (unit or region) else 'x'}"
    )
    RoleFactory(user=user, role=role, region=unit.region if unit else region, unit=unit)
    return user


@pytest.fixture
def people(region, unit):
    """One person for each role in ``region`` (unit roles in ``unit``)."""
    admin = UserFactory(username="admin-platform")
    RoleFactory(user=admin, role=Role.PLATFORM_ADMIN, region=None)
    return {
        "platform_admin": admin,
        "coordinator": _person(Role.COORDINATOR, region=region),
        "leader": _person(Role.LEADER, region=region),
        "coach": _person(Role.COACH, region=region),
        "assessor": _person(Role.ASSESSOR, region=region),
        "unit_head": _person(Role.UNIT_HEAD, unit=unit),
        "team_member": _person(Role.TEAM_MEMBER, unit=unit),
    }


@pytest.fixture
def outsider(other_region, other_unit):
    """A coordinator of another region."""
    return _person(Role.COORDINATOR, region=other_region, username="koordinator-lain")


@pytest.fixture
def client_for():
    """A logged-in HTTP client for a user."""

    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def cli_env(tmp_path):
    """Environment for running `labinov` in a subprocess on a throwaway SQLite database,
    whatever database the suite itself runs on."""
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}",
        "LABINOV_DATA_DIR": str(tmp_path / "data"),
        "SECRET_KEY": "cli-test-" + "x" * 40,
    }
