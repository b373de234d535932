"""Loads the demo region, Kabupaten Purbalingga, through the same actions a person uses.

Unit names are real where ``data/purbalingga.json`` has them (each with its source);
where the 2022 lab's counts need more units than the sources name, the extra units are
plainly demo names and flagged ``is_demo``. Demo people are plainly demo accounts.
"""

import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from labinov.accounts import actions as account_actions
from labinov.accounts.models import Role, User
from labinov.core.system import SystemActor
from labinov.demo.index_demo import load_index_demo
from labinov.demo.innovations_demo import load_innovations_demo
from labinov.demo.lab_demo import load_lab_demo
from labinov.demo.spread_demo import load_spread_demo
from labinov.library import actions as library_actions
from labinov.library.exchange import read_file
from labinov.library.models import LibraryEntry
from labinov.regions import actions as region_actions
from labinov.regions.models import Region, Unit

DATA = Path(__file__).resolve().parent / "data" / "purbalingga.json"
LIBRARY_DATA = Path(__file__).resolve().parent.parent / "library" / "data" / "innovations.jsonl"
DEMO_PASSWORD = "labinov-demo"
#: Counts of the units enrolled in Purbalingga's 2022 lab (DOMAIN.md).
LAB_2022_COUNTS = {"opd": 35, "kecamatan": 18, "puskesmas_rsud": 25, "bumd": 8}
DEMO_UNIT = "Dinas Kependudukan dan Pencatatan Sipil (Dinpendukcapil)"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    first_name: str
    role: str
    unit: str | None = None


DEMO_ACCOUNTS = [
    DemoAccount("demo-admin", "Akun Demo Administrator Platform", Role.PLATFORM_ADMIN),
    DemoAccount("demo-koordinator", "Akun Demo Koordinator Wilayah", Role.COORDINATOR),
    DemoAccount("demo-pimpinan", "Akun Demo Pimpinan (Sekda)", Role.LEADER),
    DemoAccount("demo-coach", "Akun Demo Coach LAN", Role.COACH),
    DemoAccount("demo-penilai", "Akun Demo Penilai Independen", Role.ASSESSOR),
    DemoAccount("demo-kepala-unit", "Akun Demo Kepala Unit", Role.UNIT_HEAD, DEMO_UNIT),
    DemoAccount("demo-anggota-tim", "Akun Demo Anggota Tim", Role.TEAM_MEMBER, DEMO_UNIT),
]


def _sources(data) -> dict[str, str]:
    refs = {}
    for line in data["sources"]:
        key, _sep, rest = line.partition(": ")
        refs[key] = rest.split(" ")[0]
    return refs


def demo_units(data) -> list[dict]:
    """Every unit of the demo region: real names first, then numbered demo names."""
    refs = _sources(data)

    def real(entry, kind, prefix=""):
        name = entry["name"] if isinstance(entry, dict) else entry
        source = ""
        if isinstance(entry, dict) and entry.get("source"):
            source = " ; ".join(refs.get(s, s) for s in entry["source"])[:300]
        return {"name": prefix + name, "kind": kind, "source": source, "is_demo": False}

    def demo(label, kind, count):
        return [
            {"name": f"{label} {i:02d} (nama demo)", "kind": kind, "source": "", "is_demo": True}
            for i in range(1, count + 1)
        ]

    opd = [real(e, Unit.Kind.OPD) for e in data["opd"]]
    kecamatan = [real(e, Unit.Kind.KECAMATAN, "Kecamatan ") for e in data["kecamatan"]]
    health = [real(e, Unit.Kind.PUSKESMAS) for e in data["puskesmas"]]
    health += [real(e, Unit.Kind.RSUD) for e in data["rsud"]]
    bumd = [real(e, Unit.Kind.BUMD) for e in data["bumd"]]
    return (
        opd
        + demo("OPD Demo", Unit.Kind.OPD, LAB_2022_COUNTS["opd"] - len(opd))
        + kecamatan
        + demo("Kecamatan Demo", Unit.Kind.KECAMATAN, LAB_2022_COUNTS["kecamatan"] - len(kecamatan))
        + health
        + demo(
            "Puskesmas Demo", Unit.Kind.PUSKESMAS, LAB_2022_COUNTS["puskesmas_rsud"] - len(health)
        )
        + bumd
        + demo("BUMD Demo", Unit.Kind.BUMD, LAB_2022_COUNTS["bumd"] - len(bumd))
    )


@transaction.atomic
def load_demo(*, stdout=None) -> Region:
    """Create the demo region, its units and demo accounts; what exists is left as it is."""
    system = SystemActor("cli: labinov demo")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    info = data["region"]
    region = Region.objects.filter(code=info["code"]).first() or region_actions.create_region(
        acting_user=system,
        code=info["code"],
        name=info["name"],
        kind=Region.Kind.KABUPATEN,
        province=info["province"],
    )
    existing = set(Unit.objects.filter(region=region).values_list("name", flat=True))
    for unit in demo_units(data):
        if unit["name"] not in existing:
            region_actions.create_unit(acting_user=system, region=region, **unit)
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(username=account.username).first()
        if user is None:
            user = account_actions.create_person(
                acting_user=system,
                username=account.username,
                email=f"{account.username}@demo.labinov.invalid",
                first_name=account.first_name,
                password=DEMO_PASSWORD,
            )
        unit = Unit.objects.get(region=region, name=account.unit) if account.unit else None
        account_actions.assign_role(
            acting_user=system,
            user=user,
            role=account.role,
            region=None if account.role == Role.PLATFORM_ADMIN else region,
            unit=unit,
        )
        if account.role == Role.PLATFORM_ADMIN:
            account_actions.grant_site_admin(acting_user=system, user=user)
    programme = load_lab_demo(system=system, region=region)
    load_innovations_demo(system=system, programme=programme)
    load_spread_demo(system=system, programme=programme)
    load_library(system)
    load_index_demo(region=region, system=system)
    return region


def load_library(system) -> int:
    """The real innovations of the knowledge base (labinov/library/data), imported through
    the import action; nothing is written when they are all there already."""
    with LIBRARY_DATA.open("rb") as stream:
        rows = [row for _number, row in read_file(stream, LIBRARY_DATA.name).rows]
    ids = [row["source_id"] for row in rows]
    present = LibraryEntry.objects.filter(
        source=LibraryEntry.Source.IMPORTED, source_id__in=ids
    ).count()
    if present == len(ids):
        return 0
    return library_actions.import_entries(
        acting_user=system, rows=rows, file_name=LIBRARY_DATA.name
    ).total
