"""The permission matrix: every role x every write endpoint x (own unit, another unit of
the same region, another region).

``ENDPOINTS`` declares, per write endpoint of the pages and of the API, which roles may
use it on a subject of their own unit or region (taken from docs/roles.md); ``expected``
derives the other scopes from it (a unit role gives nothing in another unit; a region role
nothing in another region; a platform administrator everything). Each cell is a named
test: ``test_cell[lab.sign_pact-leader-own_unit]``. An allowed cell must succeed or be
refused by a rule of the domain (a form error, 400, 409, 422); a denied cell must answer
403 or 404 and change nothing (rows of every table and the audit trail are counted
before and after); an anonymous caller gets the login page (pages) or 401 (API); no cell
may answer 500. How to add a row: docs/security.md, "The permission matrix".

The world (three units in two regions, each with a programme, an enrolment past
diagnose, its team, problem, cause, idea, innovation, milestone and risk) is built once
for the module inside a transaction rolled back at its end; each cell runs in a
savepoint of its own, so no cell sees another's changes.
"""

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.accounts.models import Role
from labinov.core.system import SystemActor
from labinov.innovations import actions as innovation_actions
from labinov.innovations.models import Innovation
from labinov.innovations.scorecard import scorecard
from labinov.lab import actions as lab_actions
from labinov.lab import readiness
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

SYSTEM = SystemActor("matriks")
ROLES = (
    "anonymous",
    "platform_admin",
    "coordinator",
    "leader",
    "coach",
    "assessor",
    "unit_head",
    "team_member",
)
UNIT_ROLES = {"unit_head", "team_member"}
SCOPES = ("own_unit", "other_unit", "other_region")
#: Endpoints on a region's subject (programme, people) know no "other unit".
REGION_SCOPES = ("own_unit", "other_region")

ADMIN = {"platform_admin"}
MANAGERS = {"platform_admin", "coordinator"}
HEAD = {"platform_admin", "unit_head"}
TEAM = {"platform_admin", "unit_head", "team_member"}
WORKS_ON_INNOVATION = {"platform_admin", "unit_head", "team_member", "coordinator"}
READERS = {"platform_admin", "coordinator", "leader", "coach", "assessor", *UNIT_ROLES}
COACHES = {"platform_admin", "coach"}
EVERYONE = set(ROLES) - {"anonymous"}


@dataclass(frozen=True)
class Endpoint:
    """One write endpoint: ``path(subject)`` and ``data(subject)`` for the subject of a
    scope; ``allowed`` the roles that may use it on their own unit's or region's subject."""

    path: Callable
    allowed: set
    data: Callable = lambda s: {}
    method: str = "post"
    api: bool = False
    #: "unit" (subject in a unit), "region" (a region's subject), "self" (the caller's own
    #: account: "other" scopes use another person's), "platform" (no subject).
    level: str = "unit"
    #: Statuses a denied cell may answer besides 403/404: a page that offers only the
    #: caller's own units in a choice refuses another unit as a form error.
    denied_also: frozenset = field(default_factory=frozenset)


def _png():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "#2f6f9f").save(out, "PNG")
    return SimpleUploadedFile("foto.png", out.getvalue(), content_type="image/png")


def _readiness_answers():
    return {q["key"]: "3" for q in readiness.questionnaire()["questions"]}


def _score_data(s):
    card = scorecard()
    return {f"i{s.shown.pk}-{c['key']}": str(card["scale"]["max"]) for c in card["criteria"]}


PROBLEM = {
    "service": "Izin usaha",
    "description": "Butuh 10 hari",
    "affected": "Pelaku usaha",
    "baseline_days": "10",
    "baseline_steps": "4",
}
IDEA = {
    "title": "Izin daring",
    "description": "Ajukan dari rumah",
    "is_new": "on",
    "benefits": "on",
    "no_burden": "on",
    "in_authority": "on",
    "replicable": "on",
}
MILESTONE = {
    "title": "Uji coba",
    "owner": "Ketua",
    "start": "2022-11-01",
    "end": "2022-12-01",
    "budget": "1000",
    "stakeholders": "Dinas",
    "deliverable": "Laporan",
}

ENDPOINTS = {
    # --- the lab: drum-up and diagnose work of a unit -------------------------------
    "lab.sign_pact": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/pakta/",
        HEAD,
        lambda s: {"signer_name": "dr. Uji", "signer_position": "Kepala"},
    ),
    "lab.add_member": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/tim/",
        HEAD,
        lambda s: {"name": "Budi", "team_role": "anggota"},
    ),
    "lab.decree": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/tim/sk/", HEAD, lambda s: {"decree_number": "SK 9"}
    ),
    "lab.readiness": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/kesiapan/", TEAM, lambda s: _readiness_answers()
    ),
    "lab.problem_create": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/masalah/baru/", TEAM, lambda s: PROBLEM
    ),
    "lab.gate": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/gerbang/",
        COACHES,
        lambda s: {"stage": "design", "decision": "approved", "reason": "Cek"},
    ),
    "lab.reopen": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/buka-kembali/",
        COACHES,
        lambda s: {"reason": "Baseline keliru"},
    ),
    "lab.comment": Endpoint(
        lambda s: f"/lab/unit/{s.enrolment.pk}/komentar/",
        READERS,
        lambda s: {"text": "Bagus", "target": f"enrolment:{s.enrolment.pk}"},
    ),
    "lab.remove_member": Endpoint(lambda s: f"/lab/anggota/{s.member.pk}/hapus/", HEAD),
    "lab.invite_member": Endpoint(
        lambda s: f"/lab/anggota/{s.member.pk}/undang/",
        HEAD,
        lambda s: {f"m{s.member.pk}-email": f"ani-{s.member.pk}@uji.invalid"},
    ),
    "lab.problem_edit": Endpoint(
        lambda s: f"/lab/masalah/{s.problem.pk}/ubah/",
        TEAM,
        lambda s: {**PROBLEM, "service": "Izin usaha baru"},
    ),
    "lab.cause_add": Endpoint(
        lambda s: f"/lab/masalah/{s.problem.pk}/penyebab/",
        TEAM,
        lambda s: {"category": "metode", "text": "Manual"},
    ),
    "lab.usg": Endpoint(
        lambda s: f"/lab/masalah/{s.problem.pk}/usg/",
        UNIT_ROLES,  # the unit's own people score; not even a platform administrator
        lambda s: {"urgency": "4", "seriousness": "4", "growth": "4"},
    ),
    "lab.idea_add": Endpoint(
        lambda s: f"/lab/masalah/{s.problem.pk}/gagasan/", TEAM, lambda s: IDEA
    ),
    "lab.idea_edit": Endpoint(
        lambda s: f"/lab/gagasan/{s.idea.pk}/ubah/", TEAM, lambda s: {**IDEA, "title": "Baru"}
    ),
    "lab.cause_remove": Endpoint(lambda s: f"/lab/penyebab/{s.cause.pk}/hapus/", TEAM),
    "lab.cause_restore": Endpoint(
        lambda s: f"/lab/masalah/{s.problem.pk}/penyebab/pulihkan/",
        TEAM,
        lambda s: {"removal": s.removal.pk},
    ),
    # --- the lab: a region's programmes ------------------------------------------------
    "lab.programme_create": Endpoint(
        lambda s: f"/lab/baru/?wilayah={s.region.code}",
        MANAGERS,
        lambda s: {
            "title": "Program Baru",
            "year": "2023",
            "status": "draft",
            "pact_text": "Pakta",
        },
        level="region",
    ),
    "lab.programme_edit": Endpoint(
        lambda s: f"/lab/{s.programme.pk}/ubah/",
        MANAGERS,
        lambda s: {
            "title": "Program Ubah",
            "year": "2022",
            "status": "draft",
            "pact_text": "Pakta",
        },
        level="region",
    ),
    "lab.enrol": Endpoint(
        lambda s: f"/lab/{s.programme.pk}/daftarkan/",
        MANAGERS,
        lambda s: {"kind": "all"},
        level="region",
    ),
    "lab.invite_head": Endpoint(
        lambda s: f"/lab/{s.programme.pk}/undang/",
        MANAGERS,
        lambda s: {
            "enrolment": str(s.enrolment.pk),
            "first_name": "Kepala",
            "email": f"kepala-{s.enrolment.pk}@uji.invalid",
        },
        level="region",
    ),
    # --- innovations -------------------------------------------------------------------
    "innovations.create": Endpoint(
        lambda s: f"/inovasi/dari-gagasan/{s.idea.pk}/",
        WORKS_ON_INNOVATION,
        lambda s: {"name": "Inovasi kedua"},
    ),
    "innovations.edit": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/ubah/",
        WORKS_ON_INNOVATION,
        lambda s: {
            "name": "Nama baru",
            "initiator": "perangkat_daerah",
            "kind": "digital",
            "form": "pelayanan_publik",
        },
    ),
    "innovations.display": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/peluncuran/",
        WORKS_ON_INNOVATION,
        lambda s: {"launch_occasion": "Expo", "public_summary": "Ringkas"},
    ),
    "innovations.milestone_add": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/rencana-aksi/",
        WORKS_ON_INNOVATION,
        lambda s: MILESTONE,
    ),
    "innovations.progress": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/rencana-aksi/{s.milestone.pk}/kemajuan/",
        WORKS_ON_INNOVATION,
        lambda s: {"progress": "50", "note": "Separuh"},
    ),
    "innovations.measure": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/ukuran-layanan/",
        WORKS_ON_INNOVATION,
        lambda s: {"measure": "days", "target": "1"},
    ),
    "innovations.volume": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/volume-layanan/",
        WORKS_ON_INNOVATION,
        lambda s: {"transactions_per_year": "1200", "hours_per_visit": "2,5"},
    ),
    "innovations.risk_add": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/risiko/",
        WORKS_ON_INNOVATION,
        lambda s: {"description": "Jaringan lambat"},
    ),
    "innovations.risk_resolve": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/risiko/{s.risk.pk}/selesai/", WORKS_ON_INNOVATION
    ),
    "innovations.photo_add": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/foto/",
        WORKS_ON_INNOVATION,
        lambda s: {"image": _png(), "caption": "Foto"},
    ),
    "innovations.comment": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/komentar/", READERS, lambda s: {"text": "Maju"}
    ),
    "innovations.gate": Endpoint(
        lambda s: f"/inovasi/{s.innovation.pk}/gerbang/",
        COACHES,
        lambda s: {"stage": "deliver", "decision": "refused", "reason": "Belum"},
    ),
    "innovations.expo_create": Endpoint(
        lambda s: f"/inovasi/expo/baru/?program={s.programme.pk}",
        MANAGERS,
        lambda s: {"title": "Expo Uji", "jurors": [str(s.spare_role.user_id)]},
        level="region",
    ),
    "innovations.expo_score": Endpoint(
        lambda s: f"/inovasi/expo/{s.expo.pk}/nilai/{s.shown.pk}/",
        {"assessor"},  # its jury: the region's assessor in this world; nobody else
        _score_data,
        level="region",
    ),
    "innovations.expo_best": Endpoint(
        lambda s: f"/inovasi/expo/{s.expo.pk}/terbaik/",
        MANAGERS,
        lambda s: {"innovation": str(s.shown.pk)},
        level="region",
    ),
    # --- the knowledge base ------------------------------------------------------------
    "library.replicate": Endpoint(
        lambda s: f"/pustaka/{s.entry.pk}/tiru/",
        WORKS_ON_INNOVATION,
        lambda s: {
            "enrolment": str(s.enrolment.pk),
            "name": "Tiruan",
            "observed": "Diamati",
            "imitated": "Ditiru",
            "modified": "Diubah",
        },
        denied_also=frozenset({400}),
    ),
    "library.import": Endpoint(
        lambda s: "/pustaka/impor/",
        MANAGERS,
        lambda s: {
            "file": SimpleUploadedFile(
                "satu.csv", b"source_id,name,region\nmatriks-2,Layanan Dua,Kota Lain\n"
            )
        },
        level="platform",
    ),
    # --- regions, units and people -----------------------------------------------------
    "regions.create": Endpoint(
        lambda s: "/wilayah/tambah/",
        ADMIN,
        lambda s: {"code": "99.77", "name": "Kabupaten Baru", "kind": "kabupaten"},
        level="platform",
    ),
    "regions.unit_edit": Endpoint(
        lambda s: f"/wilayah/unit/{s.unit.pk}/ubah/",
        MANAGERS,
        lambda s: {"name": f"{s.unit.name} Baru", "kind": "opd"},
    ),
    "regions.invite": Endpoint(
        lambda s: f"/wilayah/{s.region.code}/orang/",
        MANAGERS,
        lambda s: {"first_name": "Baru", "email": "baru@uji.invalid", "role": "assessor"},
        level="region",
    ),
    "regions.revoke": Endpoint(
        lambda s: f"/wilayah/{s.region.code}/orang/{s.spare_role.pk}/cabut/",
        MANAGERS,
        level="region",
    ),
    # --- one's own account -------------------------------------------------------------
    "accounts.profile_edit": Endpoint(
        lambda s: "/akun/ubah/", EVERYONE, lambda s: {"first_name": "Nama"}, level="platform"
    ),
    "accounts.token_create": Endpoint(
        lambda s: "/akun/token/", EVERYONE, lambda s: {"name": "Sistem"}, level="platform"
    ),
    "accounts.token_revoke": Endpoint(
        lambda s: f"/akun/token/{s.token.pk}/cabut/", EVERYONE, level="self"
    ),
    # --- the API -----------------------------------------------------------------------
    "api.regions.create": Endpoint(
        lambda s: "/api/v1/regions",
        ADMIN,
        lambda s: {"code": "99.78", "name": "Kota Baru", "kind": "kota"},
        api=True,
        level="platform",
    ),
    "api.regions.unit_create": Endpoint(
        lambda s: f"/api/v1/regions/{s.region.code}/units",
        MANAGERS,
        lambda s: {"name": "Dinas Baru", "kind": "opd"},
        api=True,
        level="region",
    ),
    "api.units.update": Endpoint(
        lambda s: f"/api/v1/units/{s.unit.pk}",
        MANAGERS,
        lambda s: {"head_name": "Kepala Baru"},
        method="patch",
        api=True,
    ),
    "api.people.invite": Endpoint(
        lambda s: f"/api/v1/regions/{s.region.code}/people",
        MANAGERS,
        lambda s: {"email": "api-baru@uji.invalid", "first_name": "Baru", "role": "assessor"},
        api=True,
        level="region",
    ),
    "api.people.revoke": Endpoint(
        lambda s: f"/api/v1/people/{s.spare_role.pk}/revoke", MANAGERS, api=True, level="region"
    ),
    "api.tokens.create": Endpoint(
        lambda s: "/api/v1/tokens",
        EVERYONE,
        lambda s: {"name": "Lain"},
        api=True,
        level="platform",
    ),
    "api.tokens.revoke": Endpoint(
        lambda s: f"/api/v1/tokens/{s.token.pk}/revoke", EVERYONE, api=True, level="self"
    ),
    "api.lab.gate": Endpoint(
        lambda s: f"/api/v1/enrolments/{s.enrolment.pk}/gate-decisions",
        COACHES,
        lambda s: {"stage": "design", "decision": "approved", "reason": "Cek"},
        api=True,
    ),
    "api.lab.reopen": Endpoint(
        lambda s: f"/api/v1/enrolments/{s.enrolment.pk}/reopen",
        COACHES,
        lambda s: {"reason": "Baseline keliru"},
        api=True,
    ),
    "api.innovations.gate": Endpoint(
        lambda s: f"/api/v1/innovations/{s.innovation.pk}/gate-decisions",
        COACHES,
        lambda s: {"stage": "deliver", "decision": "refused", "reason": "Belum"},
        api=True,
    ),
    "api.innovations.reopen": Endpoint(
        lambda s: f"/api/v1/innovations/{s.innovation.pk}/reopen",
        COACHES,
        lambda s: {"reason": "Rancangan perlu diperbaiki"},
        api=True,
    ),
    "opendata.withdraw": Endpoint(
        lambda s: f"/data-terbuka/tarik/{s.innovation.pk}/",
        MANAGERS,
        lambda s: {"reason": "Belum diverifikasi"},
        level="region",
    ),
    "opendata.licence": Endpoint(
        lambda s: f"/data-terbuka/lisensi/{s.region.code}/",
        MANAGERS,
        lambda s: {"licence": "CC0-1.0"},
        level="region",
    ),
    "opendata.feed_register": Endpoint(
        lambda s: "/data-terbuka/federasi/",
        ADMIN,
        lambda s: {"url": "http://127.0.0.1:9/", "name": "Lain", "interval_minutes": "60"},
        level="platform",
    ),
    "api.opendata.withdraw": Endpoint(
        lambda s: f"/api/v1/open/innovations/{s.innovation.pk}/withdraw",
        MANAGERS,
        lambda s: {"reason": "Belum diverifikasi"},
        api=True,
        level="region",
    ),
    "api.opendata.feed_register": Endpoint(
        lambda s: "/api/v1/open/feeds",
        ADMIN,
        lambda s: {"url": "http://127.0.0.1:9/", "name": "Lain"},
        api=True,
        level="platform",
    ),
    "api.innovations.measure": Endpoint(
        lambda s: f"/api/v1/innovations/{s.innovation.pk}/measures/visits",
        WORKS_ON_INNOVATION,
        lambda s: {"baseline": 3, "target": 1, "actual": 1},
        method="put",
        api=True,
    ),
    "api.innovations.volume": Endpoint(
        lambda s: f"/api/v1/innovations/{s.innovation.pk}/service-volume",
        WORKS_ON_INNOVATION,
        lambda s: {"transactions_per_year": 1200, "hours_per_visit": 2.5},
        method="put",
        api=True,
    ),
    "api.library.replicate": Endpoint(
        lambda s: f"/api/v1/library/{s.entry.pk}/replicate",
        WORKS_ON_INNOVATION,
        lambda s: {
            "enrolment_id": s.enrolment.pk,
            "name": "Tiruan API",
            "observed": "Diamati",
            "imitated": "Ditiru",
            "modified": "Diubah",
        },
        api=True,
    ),
}


def expected(endpoint: Endpoint, role: str, scope: str) -> bool:
    """Whether ``role`` may use ``endpoint`` on the subject of ``scope``."""
    if role == "anonymous" or role not in endpoint.allowed:
        return False
    if endpoint.level == "self":
        return scope == "own_unit"  # one's own account; another person's is nobody's
    if role == "platform_admin" or scope == "own_unit" or endpoint.level == "platform":
        return True
    if scope == "other_unit":
        return role not in UNIT_ROLES
    return False  # another region


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
