"""The 5D+1 stages of the Laboratorium Inovasi, declared once, as data.

This module is the only place that names a stage. Each stage says its subject (what moves
through it: a unit's enrolment in a programme, or an innovation), what it is for
(guidance in Bahasa Indonesia, shown on its pages), what its gate requires before a
subject may leave it, which roles may decide that gate, and what work it *allows*: which
kinds of work may be created or changed while a subject is in it. Nothing moves by date:
moving on is a decision (``labinov.lab.actions.decide_gate``), and so is moving back
(``labinov.lab.actions.reopen_stage``). Every other module asks the functions at the end
of this file instead of spelling a stage's key.

Requirements and allowed work are keyed by subject kind, because one stage can concern
both: an enrolment that passed diagnose sits at design, where it may start innovations,
while each innovation is designed. A requirement is a key; its label and check are
registered per subject kind (``register_requirement``) by the app that owns the subject.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum

from django.utils.translation import gettext_lazy as _

from labinov.accounts.models import Role


@dataclass(frozen=True)
class Guidance:
    purpose: str
    good_work: str
    example: str


class Subject(StrEnum):
    """What moves through the stages."""

    ENROLMENT = "enrolment"
    INNOVATION = "innovation"


class Work(StrEnum):
    """The kinds of work a stage may allow (see ``Stage.allows``)."""

    #: the unit head signs the Pakta Inovasi
    COMMITMENT = "commitment"
    #: who is on the innovation team, and its decree
    TEAM = "team"
    #: the readiness self-assessment
    READINESS = "readiness"
    #: problems, their baseline, causes and USG scores
    PROBLEMS = "problems"
    #: ideas and their PP 38/2017 criteria
    IDEAS = "ideas"
    #: turning an idea, or a knowledge-base entry, into an innovation
    START_INNOVATIONS = "start_innovations"
    #: an innovation's national-form fields and its design (rancang bangun), budget, files
    DESIGN = "design"
    #: an innovation's aims, benefits and expected results (its profile)
    PROFILE = "profile"
    #: the steps of an innovation's action plan (Rencana Aksi Inovasi)
    ACTION_PLAN = "action_plan"
    #: an innovation's service targets and the values achieved
    SERVICE_MEASURES = "service_measures"
    #: trial and implementation dates, progress with evidence, risks
    DELIVERY = "delivery"
    #: the launch, the public summary and the photos
    DISPLAY = "display"


#: What each kind of work is called in messages.
WORK_LABELS = {
    Work.COMMITMENT: _("The innovation pact"),
    Work.TEAM: _("The innovation team"),
    Work.READINESS: _("The readiness self-assessment"),
    Work.PROBLEMS: _("Problems, their causes and priorities"),
    Work.IDEAS: _("Ideas"),
    Work.START_INNOVATIONS: _("Starting innovations"),
    Work.DESIGN: _("The innovation's form and design"),
    Work.PROFILE: _("The aims, benefits and expected results"),
    Work.ACTION_PLAN: _("The steps of the action plan"),
    Work.SERVICE_MEASURES: _("Service targets and results"),
    Work.DELIVERY: _("The trial, its progress, evidence and risks"),
    Work.DISPLAY: _("The launch, the public summary and the photos"),
}


@dataclass(frozen=True)
class Stage:
    key: str
    label: str
    #: What moves through this stage and is decided at its gate.
    subject: Subject
    #: Requirement keys of the gate that closes this stage, per subject kind.
    requirements: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Roles that may decide this stage's gate. A platform administrator always may.
    deciders: frozenset[str] = frozenset({Role.COACH})
    #: The work a subject of each kind may create or change while it is in this stage.
    allows: dict[str, frozenset[Work]] = field(default_factory=dict)
    #: Passing this stage's gate publishes the subject (the public sees it).
    publishes: bool = False
    #: Subjects that reached this stage take part in the programme's expo.
    exhibits: bool = False
    guidance: Guidance | None = None


STAGES: tuple[Stage, ...] = (
    Stage(
        key="drum_up",
        label=_("Drum-up"),
        subject=Subject.ENROLMENT,
        allows={
            Subject.ENROLMENT: frozenset(
                {Work.COMMITMENT, Work.TEAM, Work.READINESS, Work.PROBLEMS, Work.IDEAS}
            )
        },
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
        subject=Subject.ENROLMENT,
        allows={Subject.ENROLMENT: frozenset({Work.TEAM, Work.PROBLEMS, Work.IDEAS})},
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
        subject=Subject.INNOVATION,
        allows={
            Subject.ENROLMENT: frozenset({Work.START_INNOVATIONS}),
            Subject.INNOVATION: frozenset(
                {Work.DESIGN, Work.PROFILE, Work.ACTION_PLAN, Work.SERVICE_MEASURES}
            ),
        },
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
        subject=Subject.INNOVATION,
        allows={
            Subject.INNOVATION: frozenset(
                {
                    Work.PROFILE,
                    Work.ACTION_PLAN,
                    Work.SERVICE_MEASURES,
                    Work.DELIVERY,
                    Work.DISPLAY,
                }
            )
        },
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
        subject=Subject.INNOVATION,
        publishes=True,
        exhibits=True,
        allows={Subject.INNOVATION: frozenset({Work.PROFILE, Work.DELIVERY, Work.DISPLAY})},
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
        subject=Subject.INNOVATION,
        allows={Subject.INNOVATION: frozenset({Work.PROFILE})},
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


def stage_choices() -> list[tuple[str, str]]:
    """The stages as choices, read when asked: model fields and forms take this callable,
    so that a stage declared later (or only in a test) is a valid choice everywhere."""
    return [(s.key, s.label) for s in STAGES]


def is_stage(key: str) -> bool:
    return key in BY_KEY


def get_stage(key: str) -> Stage:
    return BY_KEY[key]


def next_stage(key: str) -> Stage | None:
    index = STAGE_KEYS.index(key)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def stage_index(key: str) -> int:
    return STAGE_KEYS.index(key)


def previous_stage(key: str) -> Stage | None:
    index = STAGE_KEYS.index(key)
    return STAGES[index - 1] if index else None


def stages_of(subject: Subject) -> tuple[Stage, ...]:
    """The stages whose gates decide subjects of this kind, in order."""
    return tuple(s for s in STAGES if s.subject == subject)


def keys_of(subject: Subject) -> tuple[str, ...]:
    return tuple(s.key for s in stages_of(subject))


def first_of(subject: Subject) -> Stage:
    """Where a new subject of this kind starts."""
    return stages_of(subject)[0]


def keys_from(key: str) -> tuple[str, ...]:
    """The stage and every later one."""
    return STAGE_KEYS[stage_index(key) :]


def reached(current: str, target: str) -> bool:
    """Whether a subject at ``current`` has reached ``target`` (or passed it)."""
    return stage_index(current) >= stage_index(target)


def allows(stage_key: str, subject: Subject, work: Work) -> bool:
    """Whether a subject of this kind may create or change this work in this stage."""
    return work in get_stage(stage_key).allows.get(subject, frozenset())


def stages_allowing(subject: Subject, work: Work) -> tuple[Stage, ...]:
    """The stages in which a subject of this kind may do this work, in order."""
    return tuple(s for s in STAGES if allows(s.key, subject, work))


def keys_allowing(subject: Subject, work: Work) -> tuple[str, ...]:
    """``stages_allowing`` as keys (for a query)."""
    return tuple(s.key for s in stages_allowing(subject, work))


def home_of(work: Work, subject: Subject = Subject.ENROLMENT) -> Stage:
    """The stage whose guidance covers this work: the last one that allows it."""
    return stages_allowing(subject, work)[-1]


def exhibited_keys() -> tuple[str, ...]:
    """The stages from which an innovation takes part in its programme's expo."""
    first = next(s for s in STAGES if s.exhibits)
    return keys_from(first.key)


@dataclass(frozen=True)
class Shortfall:
    """One thing a gate finds missing, naming the object it concerns: "the problem
    'Perekaman KTP-el' has no cause yet". ``object`` is ``{"type", "id", "name"}`` (the
    problem, idea, milestone, ... concerned), or None when it is the subject as a whole."""

    label: str
    object: dict | None = None

    @classmethod
    def of(cls, label, obj=None, *, kind: str = "", name: str = "") -> "Shortfall":
        """A shortfall about ``obj`` (a model instance), named ``name`` (else ``str(obj)``)."""
        if obj is None:
            return cls(str(label))
        return cls(
            str(label),
            {
                "type": kind or obj._meta.model_name,
                "id": obj.pk,
                "name": name or str(obj),
            },
        )


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    #: What is missing for the subject: a list of ``Shortfall`` (empty when the requirement
    #: is met). A check may also answer True (met) or False (missing, named by ``label``).
    check: Callable[[object], "list[Shortfall] | bool"]

    def shortfalls(self, subject) -> list[Shortfall]:
        found = self.check(subject)
        if found is True:
            return []
        if found is False:
            return [Shortfall(str(self.label))]
        return list(found)

    def met(self, subject) -> bool:
        return not self.shortfalls(subject)


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


def checklist(stage_key: str, subject_kind: str, subject) -> list[dict]:
    """Each requirement of the gate with what is missing for the subject (for pages)."""
    rows = []
    for r in gate_requirements(stage_key, subject_kind):
        missing = r.shortfalls(subject)
        rows.append({"key": r.key, "label": r.label, "met": not missing, "missing": missing})
    return rows


def missing_items(stage_key: str, subject_kind: str, subject) -> list[dict]:
    """What the gate finds missing, one item per object concerned:
    ``[{"key": requirement, "label": what is missing, "object": {...} or None}]``."""
    return [
        {"key": r.key, "label": s.label, "object": s.object}
        for r in gate_requirements(stage_key, subject_kind)
        for s in r.shortfalls(subject)
    ]
