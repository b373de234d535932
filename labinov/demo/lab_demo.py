"""The demo's lab programme: Purbalingga's 2022 Laboratorium Inovasi, with its real dates.

Every unit of the demo region is enrolled. A few units are taken through drum-up and
diagnose by the demo accounts, through the same actions a person uses. Their problems,
scores and ideas are made up for the demo: each is flagged ``is_demo`` (shown with a badge)
and its text starts with "[Contoh demo]".
"""

import datetime

from labinov.accounts.models import User
from labinov.lab import actions, readiness
from labinov.lab.models import Enrolment, LabProgramme
from labinov.lab.stages import STAGES, Subject, first_of, has_gate
from labinov.regions.models import Unit

TITLE = "Laboratorium Inovasi Kabupaten Purbalingga 2022"
DEMO = "[Contoh demo]"
D = datetime.date
#: DOMAIN.md: drum-up and diagnose 12-13 October 2022, design 23 November, Purbalingga Expo
#: and launch 15-18 December 2022; documentation after. Deliver falls between design and expo.
#: One (start, end) per stage, in the declared order of ``lab/stages.py`` (drum-up first);
#: a stage declared beyond these gets no demo dates.
DATES = (
    (D(2022, 10, 12), D(2022, 10, 13)),
    (D(2022, 10, 12), D(2022, 10, 13)),
    (D(2022, 11, 23), D(2022, 11, 23)),
    (D(2022, 11, 24), D(2022, 12, 14)),
    (D(2022, 12, 15), D(2022, 12, 18)),
    (D(2022, 12, 19), None),
)
PLAN = {stage.key: dates for stage, dates in zip(STAGES, DATES, strict=False)}

DINDUKCAPIL_PROBLEMS = [
    {
        "service": "Akta kelahiran",
        "description": (
            f"{DEMO} Akta kelahiran terbit rata-rata 7 hari kerja dan orang tua harus datang "
            "dua kali ke kantor dinas di pusat kota."
        ),
        "affected": "Orang tua bayi baru lahir, terutama dari desa yang jauh dari kota",
        "evidence_text": f"{DEMO} Angka contoh untuk demo, bukan data resmi: 120 keluhan setahun.",
        "baseline_days": 7,
        "baseline_cost": 50000,
        "baseline_steps": 5,
        "baseline_requirements": 6,
        "baseline_complaints": 120,
        "baseline_satisfaction": 72,
        "scores": ((5, 4, 4), (4, 5, 4)),
        "causes": (
            ("metode", "Berkas diperiksa manual di kantor dinas"),
            ("sarana", "Belum ada pendaftaran daring dari fasilitas kesehatan"),
            ("manusia", "Petugas di kecamatan belum diberi kewenangan mencetak"),
        ),
        "idea": {
            "title": f"{DEMO} Akta lahir langsung dari puskesmas dan bidan desa",
            "description": (
                "Bidan atau puskesmas mengunggah berkas kelahiran; akta dikirim ke orang tua "
                "dalam bentuk elektronik tanpa datang ke kantor dinas."
            ),
            "is_new": True,
            "is_new_note": "Belum ada di Purbalingga (contoh demo)",
            "benefits": True,
            "benefits_note": "Orang tua tidak perlu datang dan mengeluarkan ongkos",
            "no_burden": True,
            "in_authority": True,
            "in_authority_note": "Urusan administrasi kependudukan",
            "replicable": True,
        },
    },
    {
        "service": "KTP elektronik hilang atau rusak",
        "description": (
            f"{DEMO} Penggantian KTP-el yang hilang atau rusak memerlukan surat keterangan "
            "dari beberapa kantor dan antrean perekaman panjang."
        ),
        "affected": "Warga dewasa yang kehilangan KTP-el",
        "evidence_text": f"{DEMO} Angka contoh untuk demo, bukan data resmi.",
        "baseline_days": 14,
        "baseline_cost": 30000,
        "baseline_steps": 6,
        "baseline_requirements": 4,
        "baseline_complaints": 80,
        "baseline_satisfaction": 68,
        "scores": ((4, 4, 3), (3, 4, 3)),
        "causes": (("bahan", "Blangko KTP-el sering kosong"),),
    },
    {
        "service": "Surat pindah datang",
        "description": f"{DEMO} Surat pindah masih diurus di dua kabupaten secara terpisah.",
        "affected": "Warga yang pindah domisili",
        "baseline_days": 5,
        "baseline_cost": 0,
        "baseline_steps": 4,
        "baseline_requirements": 5,
        "scores": ((2, 3, 2), (3, 2, 2)),
        "causes": (("lingkungan", "Aturan lama belum mengenal layanan daring"),),
    },
]

HEALTH_PROBLEMS = [
    {
        "service": "Pendaftaran pasien puskesmas",
        "description": f"{DEMO} Pasien antre sejak subuh untuk mendapat nomor pendaftaran.",
        "affected": "Pasien rawat jalan, lansia",
        "baseline_days": 0.5,
        "baseline_steps": 4,
        "baseline_requirements": 2,
    },
]


def _answers(value: int) -> dict:
    return {q["key"]: value for q in readiness.questionnaire()["questions"]}


def _drum_up(enrolment, *, head, members, decree, readiness_value):
    if not hasattr(enrolment, "commitment"):
        actions.sign_commitment(
            acting_user=head,
            enrolment=enrolment,
            signer_name=f"{DEMO} Kepala {enrolment.unit.name}"[:200],
            signer_position="Kepala Unit (contoh demo)",
        )
    team = getattr(enrolment, "team", None)
    if team is None or not team.members.exists():
        for name, role in members:
            actions.add_team_member(
                acting_user=head,
                enrolment=enrolment,
                name=name,
                team_role=role,
                position="Contoh demo",
            )
    enrolment.refresh_from_db()
    if not enrolment.team.has_decree:
        actions.set_team_decree(acting_user=head, enrolment=enrolment, decree_number=decree)
    if not hasattr(enrolment, "readiness"):
        actions.submit_readiness(
            acting_user=head, enrolment=enrolment, answers=_answers(readiness_value)
        )


def _pass(enrolment, coach, reason):
    enrolment.refresh_from_db()
    record = actions.decide_gate(
        acting_user=coach,
        subject=enrolment,
        stage=enrolment.stage,
        decision="approved",
        reason=f"{DEMO} {reason}",
    )
    if record.decision != "approved":
        raise RuntimeError(f"demo gate refused for {enrolment.unit}: {record.missing}")
    return record


def _problems(enrolment, acting_user, specs):
    made = []
    for spec in specs:
        spec = dict(spec)
        for key in ("scores", "causes", "idea"):
            spec.pop(key, None)
        existing = enrolment.problems.filter(service=spec["service"]).first()
        made.append(
            existing
            or actions.add_problem(
                acting_user=acting_user, enrolment=enrolment, is_demo=True, **spec
            )
        )
    return made


def load_lab_demo(*, system, region) -> LabProgramme:
    coordinator = User.objects.get(username="demo-koordinator")
    coach = User.objects.get(username="demo-coach")
    head = User.objects.get(username="demo-kepala-unit")
    member = User.objects.get(username="demo-anggota-tim")
    programme = LabProgramme.objects.filter(region=region, title=TITLE).first()
    if programme is None:
        programme = actions.create_programme(
            acting_user=coordinator,
            region=region,
            title=TITLE,
            year=2022,
            status=LabProgramme.Status.RUNNING,
            is_public=True,
            plan=PLAN,
        )
        actions.set_coaches(acting_user=coordinator, programme=programme, coaches=[coach])
    actions.enrol_units(acting_user=coordinator, programme=programme, all_units=True)

    # The demo unit, whose head and team member are demo accounts: through diagnose.
    from labinov.demo.loader import DEMO_UNIT

    enrolment = Enrolment.objects.get(programme=programme, unit__name=DEMO_UNIT)
    _drum_up(
        enrolment,
        head=head,
        members=[
            ("Akun Demo Anggota Tim", "ketua"),
            ("Anggota Demo Dua (contoh demo)", "sekretaris"),
            ("Anggota Demo Tiga (contoh demo)", "anggota"),
        ],
        decree="[Contoh demo] SK Kepala Dinas No. 800/001/2022",
        readiness_value=3,
    )
    if enrolment.stage == first_of(Subject.ENROLMENT).key:
        _pass(enrolment, coach, "Pakta, tim dengan SK dan penilaian kesiapan sudah lengkap.")
    problems = _problems(enrolment, member, DINDUKCAPIL_PROBLEMS)
    for problem, spec in zip(problems, DINDUKCAPIL_PROBLEMS, strict=True):
        if not problem.usg_scores.exists():
            for scorer, (u, s, g) in zip((head, member), spec["scores"], strict=True):
                actions.score_usg(
                    acting_user=scorer, problem=problem, urgency=u, seriousness=s, growth=g
                )
        if not problem.causes.exists():
            for category, text in spec["causes"]:
                actions.add_cause(acting_user=member, problem=problem, category=category, text=text)
    first = problems[0]
    if not first.ideas.exists():
        actions.add_idea(
            acting_user=member, problem=first, is_demo=True, **DINDUKCAPIL_PROBLEMS[0]["idea"]
        )
        actions.add_comment(
            acting_user=coach,
            enrolment=enrolment,
            target=first,
            text=f"{DEMO} Data keluhan sudah bagus; tambahkan jumlah kelahiran per bulan.",
        )
    enrolment.refresh_from_db()
    if has_gate(enrolment.stage, Subject.ENROLMENT):  # diagnose, the last unit gate
        _pass(enrolment, coach, "Masalah prioritas, penyebab dan gagasan sudah diuji.")

    # Two more units, a step behind: the health office in diagnose, a kecamatan signed.
    health = Enrolment.objects.filter(programme=programme, unit__name="Dinas Kesehatan").first()
    if health is not None:
        _drum_up(
            health,
            head=system,
            members=[("Tim Demo Dinas Kesehatan (contoh demo)", "ketua")],
            decree="[Contoh demo] SK Tim Inovasi Dinas Kesehatan",
            readiness_value=2,
        )
        if health.stage == first_of(Subject.ENROLMENT).key:
            _pass(health, coach, "Drum-up lengkap.")
        _problems(health, system, HEALTH_PROBLEMS)
    kecamatan = (
        Enrolment.objects.filter(programme=programme, unit__kind=Unit.Kind.KECAMATAN)
        .order_by("unit__name")
        .first()
    )
    if kecamatan is not None and not hasattr(kecamatan, "commitment"):
        actions.sign_commitment(
            acting_user=system,
            enrolment=kecamatan,
            signer_name=f"{DEMO} Camat {kecamatan.unit.name}"[:200],
            signer_position="Camat (contoh demo)",
        )
    return programme
