"""The permission matrix: every role x every write endpoint x (own unit, another unit of
the same region, another region).

``ENDPOINTS`` (tests/permission_endpoints.py) declares, per write endpoint of the pages
and of the API, which roles may use it on a subject of their own unit or region (taken
from docs/roles.md); ``expected`` derives the other scopes from it (a unit role gives
nothing in another unit; a region role nothing in another region; a platform
administrator everything). Each cell is a named test:
``test_cell[lab.sign_pact-leader-own_unit]``. An allowed cell must succeed or be refused
by a rule of the domain (a form error, 400, 409, 422); a denied cell must answer 403 or
404 and change nothing (rows of every table and the audit trail are counted before and
after); an anonymous caller gets the login page (pages) or 401 (API); no cell
may answer 500. How to add a row: docs/security.md, "The permission matrix".

The world (three units in two regions, each with a programme, an enrolment past
diagnose, its team, problem, cause, idea, innovation, milestone and risk) is built once
for the module inside a transaction rolled back at its end; each cell runs in a
savepoint of its own, so no cell sees another's changes.
"""

import datetime

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.accounts.models import Role
from labinov.core.system import SystemActor
from labinov.innovations import actions as innovation_actions
from labinov.innovations.models import Innovation
from labinov.innovations.scorecard import scorecard
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment, UsgScore
from labinov.library import actions as library_actions
from tests.conftest import _person
from tests.factories import (
    RegionFactory,
    RoleFactory,
    UnitFactory,
    UserFactory,
    programme_with_plan,
)
from tests.permission_endpoints import (
    ENDPOINTS,
    REGION_SCOPES,
    ROLES,
    SCOPES,
    Endpoint,
    expected,
)

SYSTEM = SystemActor("matriks")


def _scopes(endpoint: Endpoint):
    if endpoint.level == "platform":
        return ("own_unit",)
    if endpoint.level in ("region", "self"):
        return REGION_SCOPES
    return SCOPES


CELLS = [
    pytest.param(name, role, scope, id=f"{name}-{role}-{scope}")
    for name, endpoint in ENDPOINTS.items()
    for role in ROLES
    for scope in _scopes(endpoint)
]


class Subject:
    """What one scope's cells act on."""

    def __init__(self, **kw):
        self.__dict__.update(kw)


def _unit_world(region, unit, programme, scorer, entry, jurors):
    enrolment = lab_actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    member = lab_actions.add_team_member(
        acting_user=SYSTEM, enrolment=enrolment, name=f"Ani {unit.pk}", team_role="anggota"
    )
    problem = lab_actions.add_problem(
        acting_user=SYSTEM,
        enrolment=enrolment,
        service="Akta kelahiran",
        description="14 hari",
        affected="Orang tua",
        baseline_days=14,
        baseline_steps=6,
    )
    cause = lab_actions.add_cause(
        acting_user=SYSTEM, problem=problem, category="metode", text="Manual"
    )
    removal = lab_actions.remove_cause(
        acting_user=SYSTEM,
        cause=lab_actions.add_cause(
            acting_user=SYSTEM, problem=problem, category="manusia", text="Dihapus"
        ),
    )
    UsgScore.objects.create(problem=problem, scorer=scorer, urgency=5, seriousness=5, growth=5)
    idea = lab_actions.add_idea(
        acting_user=SYSTEM,
        problem=problem,
        title="Akta daring",
        is_new=True,
        benefits=True,
        no_burden=True,
        in_authority=True,
        replicable=True,
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    enrolment.refresh_from_db()
    innovation = innovation_actions.create_innovation(acting_user=SYSTEM, idea=idea)
    milestone = innovation_actions.add_milestone(
        acting_user=SYSTEM,
        innovation=innovation,
        title="Uji coba",
        owner="Ketua",
        start=datetime.date(2022, 11, 1),
        end=datetime.date(2022, 12, 1),
        deliverable="Laporan",
    )
    # Delivering: the stage where most of an innovation's work is open (lab/stages.py).
    Innovation.objects.filter(pk=innovation.pk).update(stage="deliver")
    innovation.refresh_from_db()
    risk = innovation_actions.add_risk(
        acting_user=SYSTEM, innovation=innovation, description="Listrik padam"
    )
    shown = innovation_actions.create_innovation(acting_user=SYSTEM, idea=idea, name="Di expo")
    Innovation.objects.filter(pk=shown.pk).update(stage="display")
    shown.refresh_from_db()
    expo = innovation_actions.create_expo(
        acting_user=SYSTEM, programme=programme, title="Expo Uji", jurors=jurors
    )
    for juror in jurors:  # every juror has scored: the best can be chosen
        innovation_actions.score_innovation(
            acting_user=juror,
            expo=expo,
            innovation=shown,
            scores={c["key"]: 7 for c in scorecard(expo.scorecard_version)["criteria"]},
        )
    UnitFactory(region=region, name=f"Kecamatan Baru {unit.pk}")  # to enrol
    spare = UserFactory(username=f"cadangan-{unit.pk}")
    spare_role = RoleFactory(user=spare, role=Role.ASSESSOR, region=region)
    token, _raw = create_api_token(acting_user=spare, name="milik orang lain")
    return Subject(
        region=region,
        unit=unit,
        programme=programme,
        enrolment=enrolment,
        member=member,
        problem=problem,
        cause=cause,
        removal=removal,
        idea=idea,
        innovation=innovation,
        milestone=milestone,
        risk=risk,
        shown=shown,
        expo=expo,
        spare_role=spare_role,
        token=token,
        entry=entry,
    )


def _programme(region):
    day = datetime.date(2022, 10, 12)
    return programme_with_plan(
        region=region,
        title=f"Laboratorium Inovasi {region.code}",
        year=2022,
        plan={"drum_up": (day, day), "diagnose": (day, day)},
    )


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        region = RegionFactory(code="99.01", name="Kabupaten Uji Satu")
        other_region = RegionFactory(code="99.02", name="Kota Uji Dua", kind="kota")
        unit = UnitFactory(region=region, name="Dinas Kesehatan Uji")
        sibling = UnitFactory(region=region, name="Dinas Pendidikan Uji")
        far = UnitFactory(region=other_region, name="Dinas Kesehatan Lain")
        admin = UserFactory(username="admin-platform")
        RoleFactory(user=admin, role=Role.PLATFORM_ADMIN, region=None)
        people = {
            "platform_admin": admin,
            "coordinator": _person(Role.COORDINATOR, region=region),
            "leader": _person(Role.LEADER, region=region),
            "coach": _person(Role.COACH, region=region),
            "assessor": _person(Role.ASSESSOR, region=region),
            "unit_head": _person(Role.UNIT_HEAD, unit=unit),
            "team_member": _person(Role.TEAM_MEMBER, unit=unit),
        }
        entry = library_actions.upsert_entry(
            acting_user=SYSTEM, source_id="matriks-1", name="Layanan Uji", region="Kota Lain"
        )
        programme, far_programme = _programme(region), _programme(other_region)
        scorer = UserFactory(username="penilai-usg")
        subjects = {
            # The region's assessor sits on the jury of its own region's expos.
            "own_unit": _unit_world(region, unit, programme, scorer, entry, [people["assessor"]]),
            "other_unit": _unit_world(region, sibling, programme, scorer, entry, []),
            "other_region": _unit_world(other_region, far, far_programme, scorer, entry, []),
        }
        clients = {"anonymous": Client()}
        api_clients = {"anonymous": Client()}
        own_tokens = {}
        for role, user in people.items():
            clients[role] = Client()
            clients[role].force_login(user)
            token, raw = create_api_token(acting_user=user, name="matriks")
            own_tokens[role] = token
            api_clients[role] = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        yield {
            "subjects": subjects,
            "clients": clients,
            "api_clients": api_clients,
            "own_tokens": own_tokens,
        }
        transaction.set_rollback(True)


_TABLES = sorted(
    {m._meta.db_table for m in apps.get_models() if m.__module__.startswith("labinov.")}
)


def _fingerprint():
    """Rows of every table of the project (the audit trail among them), in one query."""
    counts = ", ".join(f"(SELECT COUNT(*) FROM {connection.ops.quote_name(t)})" for t in _TABLES)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return dict(zip(_TABLES, cursor.fetchone(), strict=True))


@pytest.mark.parametrize(("name", "role", "scope"), CELLS)
def test_cell(world, db, name, role, scope):
    endpoint = ENDPOINTS[name]
    subject = world["subjects"][scope]
    if endpoint.level == "self" and scope == "own_unit" and role != "anonymous":
        subject = Subject(**{**subject.__dict__, "token": world["own_tokens"][role]})
    client = (world["api_clients"] if endpoint.api else world["clients"])[role]
    path, data = endpoint.path(subject), endpoint.data(subject)
    before = _fingerprint()
    if endpoint.api:
        response = getattr(client, endpoint.method)(path, data, content_type="application/json")
    else:
        response = getattr(client, endpoint.method)(path, data)
    status = response.status_code
    assert status < 500, f"{status}: {response.content[:500]!r}"
    if role == "anonymous":
        if endpoint.api:
            assert status == 401, status
        else:
            assert status == 302 and response["Location"].startswith("/akun/masuk/"), status
        assert _fingerprint() == before
    elif expected(endpoint, role, scope):
        assert status in (200, 201, 204, 302, 400, 409, 422), f"{status} for an allowed cell"
        if status in (201, 204) or (status == 302 and not endpoint.api):
            assert _fingerprint() != before, "answered as done, but nothing changed"
    else:
        assert status in {403, 404, *endpoint.denied_also}, f"{status} for a denied cell"
        assert _fingerprint() == before, "a denied request changed the database"
