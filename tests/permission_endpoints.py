"""The write endpoints of the permission matrix (tests/test_permission_matrix.py), and
who may use each: ``ENDPOINTS`` declares, per endpoint of the pages and of the API, the
roles that may use it on a subject of their own unit or region (taken from docs/roles.md);
``expected`` derives the other scopes from it. How to add a row: docs/security.md, "The
permission matrix"."""

import io
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.innovations.scorecard import scorecard
from labinov.lab import readiness

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
