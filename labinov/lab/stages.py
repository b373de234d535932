"""The 5D+1 stages of the Laboratorium Inovasi, declared once, as data.

Each stage says what it is for (guidance in Bahasa Indonesia, shown on its pages), what
its gate requires before a subject may leave it, and which roles may decide that gate.
Nothing moves by date: moving on is a decision (``labinov.lab.actions.decide_gate``).

The declaration is generic over the *subject* that moves through the stages. Today the
subject is a unit's enrolment in a programme (``"enrolment"``: drum-up and diagnose);
the innovations app will make an innovation a subject (``"innovation"``: design to
documentation) by registering its own checks with ``register_requirement`` under the
keys its stages name here. A requirement is a key; its label and check are looked up per
subject kind, so the same stage can be gated differently for different subjects.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from labinov.accounts.models import Role


@dataclass(frozen=True)
class Guidance:
    purpose: str
    good_work: str
    example: str


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    #: Requirement keys of the gate that closes this stage, per subject kind.
    requirements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Roles that may decide this stage's gate. A platform administrator always may.
    deciders: frozenset[str] = frozenset({Role.COACH})
    guidance: Guidance | None = None


STAGES: tuple[Stage, ...] = (
    Stage(
        key="drum_up",
        label=_("Drum-up"),
        requirements={
            "enrolment": ("commitment_signed", "team_formed", "team_decree", "readiness_done")
        },
        deciders=frozenset({Role.COACH, Role.COORDINATOR}),
        guidance=Guidance(
            purpose=(
                "Drum-up membangun kemauan berinovasi: pimpinan unit menandatangani Pakta "
                "Inovasi, unit membentuk tim inovasi dengan SK, dan tim menilai kesiapan "
                "unitnya untuk berinovasi."
            ),
            good_work=(
                "Pakta ditandatangani sendiri oleh kepala unit; tim berisi orang yang "
                "sehari-hari melayani warga, dengan ketua dan peran yang jelas; penilaian "
                "kesiapan dijawab jujur, bukan sekadar mencari nilai tinggi."
            ),
            example=(
                "Kepala Dinas Kependudukan menandatangani pakta pada 12 Oktober 2022, "
                "menetapkan SK Tim Inovasi berisi lima orang dari bidang pelayanan, lalu tim "
                "mengisi penilaian kesiapan bersama."
            ),
        ),
    ),
    Stage(
        key="diagnose",
        label=_("Diagnose"),
        requirements={
            "enrolment": (
                "problems_listed",
                "baseline_recorded",
                "causes_analysed",
                "priorities_scored",
                "ideas_checked",
            )
        },
        deciders=frozenset({Role.COACH}),
        guidance=Guidance(
            purpose=(
                "Diagnose menemukan masalah layanan yang paling penting: tim mendaftar "
                "masalah beserta datanya, mencari akar penyebab, menentukan prioritas dengan "
                "USG (Urgency, Seriousness, Growth), lalu menggali gagasan dari bawah."
            ),
            good_work=(
                "Setiap masalah punya bukti (data, keluhan, foto) dan angka awal layanan: "
                "berapa hari, berapa biaya bagi warga, berapa langkah dan persyaratan. "
                "Penyebab dicari sampai ke akar, dan setiap gagasan diuji terhadap lima "
                "kriteria PP 38/2017."
            ),
            example=(
                "Masalah: pembuatan akta kelahiran butuh 14 hari dan 3 kali datang. "
                "Penyebab: berkas diverifikasi manual di kantor. Skor USG tertinggi. "
                "Gagasan: layanan akta daring langsung dari puskesmas tempat bayi lahir."
            ),
        ),
    ),
    Stage(
        key="design",
        label=_("Design"),
        requirements={"innovation": ("design_described", "action_plan")},
        deciders=frozenset({Role.COACH}),
        guidance=Guidance(
            purpose=(
                "Design merancang gagasan secara sistematis: apa yang berubah, untuk siapa, "
                "dengan sumber daya apa, dan rencana aksi inovasinya."
            ),
            good_work=(
                "Rancangan menyebut perubahan utama, sasaran terukur (lebih cepat, lebih "
                "murah, lebih mudah), pemangku kepentingan, langkah, dokumen dan anggaran."
            ),
            example=(
                "Rencana Aksi: uji coba akta daring di dua puskesmas selama tiga bulan, "
                "target waktu layanan turun dari 14 hari menjadi 1 hari."
            ),
        ),
    ),
    Stage(
        key="deliver",
        label=_("Deliver"),
        requirements={"innovation": ("trial_reported", "results_measured")},
        deciders=frozenset({Role.COACH}),
        guidance=Guidance(
            purpose=(
                "Deliver menjalankan rancangan: mula-mula uji coba bersama warga, lalu "
                "penerapan penuh, dengan pendampingan coach."
            ),
            good_work=(
                "Hasil diukur dengan angka yang sama dengan kondisi awal, masalah selama "
                "uji coba dicatat dan diperbaiki."
            ),
            example="Selama uji coba, 420 akta terbit rata-rata dalam 1 hari.",
        ),
    ),
    Stage(
        key="display",
        label=_("Display"),
        requirements={"innovation": ("launched",)},
        deciders=frozenset({Role.COACH, Role.COORDINATOR}),
        guidance=Guidance(
            purpose=(
                "Display memperkenalkan inovasi kepada publik, misalnya dalam expo inovasi "
                "dan peluncuran oleh kepala daerah."
            ),
            good_work="Inovasi dijelaskan dengan bahasa warga, dengan bukti hasil yang nyata.",
            example="Purbalingga Expo dan peluncuran inovasi, 15-18 Desember 2022.",
        ),
    ),
    Stage(
        key="documentation",
        label=_("Documentation"),
        requirements={"innovation": ("profile_written",)},
        deciders=frozenset({Role.COACH, Role.COORDINATOR}),
        guidance=Guidance(
            purpose=(
                "Documentation menuliskan setiap inovasi agar dapat dipelajari dan direplikasi "
                "daerah lain, misalnya dalam Direktori Inovasi daerah."
            ),
            good_work=(
                "Profil memuat masalah, solusi, hasil dengan angka, dan cara meniru inovasi."
            ),
            example="Direktori Inovasi Kabupaten Purbalingga 2022.",
        ),
    ),
)

STAGE_KEYS: tuple[str, ...] = tuple(s.key for s in STAGES)
BY_KEY: dict[str, Stage] = {s.key: s for s in STAGES}
STAGE_CHOICES = [(s.key, s.label) for s in STAGES]


def get_stage(key: str) -> Stage:
    return BY_KEY[key]


def next_stage(key: str) -> Stage | None:
    index = STAGE_KEYS.index(key)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stage_index(key: str) -> int:
    return STAGE_KEYS.index(key)


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    check: Callable[[object], bool]


#: subject kind -> requirement key -> Requirement
REQUIREMENTS: dict[str, dict[str, Requirement]] = {}


def register_requirement(subject_kind: str, key: str, label, check) -> None:
    """Declare how ``key`` is checked for subjects of ``subject_kind``."""
    REQUIREMENTS.setdefault(subject_kind, {})[key] = Requirement(key, label, check)


def gate_requirements(stage_key: str, subject_kind: str) -> list[Requirement]:
    """The requirements of a stage's gate for a kind of subject, in declared order."""
    keys = get_stage(stage_key).requirements.get(subject_kind)
    if keys is None:
        return []
    known = REQUIREMENTS.get(subject_kind, {})
    return [known[k] for k in keys]


def has_gate(stage_key: str, subject_kind: str) -> bool:
    return subject_kind in get_stage(stage_key).requirements


def missing_requirements(stage_key: str, subject_kind: str, subject) -> list[Requirement]:
    return [r for r in gate_requirements(stage_key, subject_kind) if not r.check(subject)]
