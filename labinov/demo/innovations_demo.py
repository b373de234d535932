"""The demo's innovations, made from the units' ideas through the same actions people use.

One innovation grows from the demo unit's idea (made up, "[Contoh demo]"). The 15 real
innovations of Purbalingga listed in ``data/purbalingga.json`` follow (``portfolio.REAL``), each
in its unit and at the stage it reached; what they say is written in our own words and their
numbers are demo numbers, as each text says. Every innovation is flagged ``is_demo`` (shown
with a badge), because its figures are.
"""

import io

from django.core.files.base import ContentFile

from labinov.accounts.models import User
from labinov.demo.portfolio import DEMO, DEMO_UNIT_INNOVATION, REAL, UNIT_WORK, D
from labinov.innovations import actions
from labinov.innovations.models import Innovation
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from labinov.lab.stages import Subject, Work, keys_of

OWN_WORDS = (
    "Nama inovasi ini nyata (Kabupaten Purbalingga); uraian ditulis dengan kata-kata kami "
    "sendiri dan angkanya adalah contoh demo, bukan data resmi."
)
SECTIONS = {
    "design_legal_basis": (
        "Undang-Undang Nomor 25 Tahun 2009 tentang Pelayanan Publik, Peraturan Pemerintah "
        "Nomor 38 Tahun 2017 tentang Inovasi Daerah, dan peraturan bupati tentang standar "
        "pelayanan menjadi dasar inovasi ini. Inovasi juga mengikuti ketentuan tentang "
        "sistem pemerintahan berbasis elektronik dan perlindungan data pribadi warga. "
        "Standar pelayanan yang baru akan ditetapkan dengan keputusan kepala perangkat daerah "
        "setelah uji coba selesai, dan diperkuat dengan peraturan bupati bila inovasi "
        "diterapkan di seluruh kabupaten."
    ),
    "design_strategic_issue": (
        "Pemerintah daerah menargetkan layanan yang lebih cepat, lebih murah, dan lebih mudah "
        "bagi warga. Isu strategisnya adalah kepercayaan warga terhadap pelayanan publik, "
        "pemerataan akses layanan bagi warga desa yang jauh dari pusat kota, dan pemanfaatan "
        "teknologi informasi yang sudah dimiliki perangkat daerah tanpa biaya besar. "
        "Keluhan warga tentang lamanya waktu, banyaknya persyaratan, dan biaya perjalanan ke "
        "kantor menunjukkan bahwa cara lama tidak lagi memadai, terutama bagi warga lanjut "
        "usia, warga berpenghasilan rendah, dan warga yang tinggal di desa-desa pegunungan."
    ),
    "design_advantages": (
        "Keunggulannya terletak pada pemangkasan langkah yang tidak perlu, kerja sama antar "
        "perangkat daerah, dan pemantauan yang terbuka. Kebaruannya adalah cara kerja yang "
        "belum pernah dijalankan di kabupaten ini: warga tidak lagi harus datang ke kantor, "
        "petugas menerima berkas lebih awal, dan setiap langkah dapat dilacak oleh warga."
    ),
    "design_stages": (
        "Tahap pertama adalah penyusunan prosedur baru dan pelatihan petugas. Tahap kedua "
        "adalah uji coba terbatas selama beberapa minggu bersama warga di lokasi terpilih, "
        "disertai pencatatan waktu layanan, biaya, dan keluhan. Tahap ketiga adalah perbaikan "
        "berdasarkan hasil uji coba. Tahap keempat adalah penerapan penuh di seluruh wilayah "
        "kabupaten, peluncuran oleh bupati, dan penulisan profil inovasi untuk replikasi."
    ),
}

SPECS = [DEMO_UNIT_INNOVATION, *REAL]
STAGE_ORDER = keys_of(Subject.INNOVATION)


def _poster(name: str) -> ContentFile:
    """A small generated picture naming the demo innovation (a demo stands in for a photo)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (480, 270), "#2f6f9f")
    draw = ImageDraw.Draw(img)
    draw.text((20, 110), "[Contoh demo] gambar buatan", fill="white")
    draw.text((20, 140), name[:60], fill="white")
    out = io.BytesIO()
    img.save(out, "PNG")
    return ContentFile(out.getvalue(), name="contoh-demo.png")


def demo_team_account(system, username: str, first_name: str, enrolments) -> User:
    """A demo account on the team of each of these units, so that their teams score and
    write as people do; made once, its roles added where missing."""
    from labinov.accounts import actions as account_actions
    from labinov.accounts.models import Role
    from labinov.demo.loader import DEMO_PASSWORD

    user = User.objects.filter(username=username).first()
    if user is None:
        user = account_actions.create_person(
            acting_user=system,
            username=username,
            email=f"{username}@demo.labinov.invalid",
            first_name=first_name,
            password=DEMO_PASSWORD,
        )
    for enrolment in enrolments:
        if not user.role_assignments.filter(unit=enrolment.unit).exists():
            account_actions.assign_role(
                acting_user=system,
                user=user,
                role=Role.TEAM_MEMBER,
                region=enrolment.unit.region,
                unit=enrolment.unit,
            )
    return user


def _team_member(enrolment, *, system) -> User:
    """The unit's demo team account (``portfolio.UNIT_WORK``)."""
    username, first_name, _problem = UNIT_WORK[enrolment.unit.name]
    return demo_team_account(system, username, first_name, [enrolment])


def _ready_unit(enrolment, *, system, coach, member):
    """Take a unit through drum-up and into diagnose with its (demo) problem, scored."""
    from labinov.demo.lab_demo import _drum_up, _pass

    _username, first_name, spec = UNIT_WORK[enrolment.unit.name]
    _drum_up(
        enrolment,
        head=system,
        members=[(first_name, "ketua")],
        decree=f"{DEMO} SK Tim Inovasi {enrolment.unit.name}"[:200],
        readiness_value=3,
    )
    enrolment.refresh_from_db()
    if enrolment.allows(Work.COMMITMENT):  # still in drum-up
        _pass(enrolment, coach, "Drum-up lengkap.")
        enrolment.refresh_from_db()
    problem = enrolment.problems.filter(service=spec["service"]).first()
    if problem is None and enrolment.allows(Work.PROBLEMS):
        problem = lab_actions.add_problem(acting_user=member, enrolment=enrolment, **spec)
    if problem is None:
        return None
    if enrolment.allows(Work.PROBLEMS):
        if not problem.causes.exists():
            lab_actions.add_cause(
                acting_user=member,
                problem=problem,
                category="metode",
                text=f"{DEMO} Cara kerja lama belum memakai teknologi dan kerja sama antarunit",
            )
        if not problem.usg_scores.exists():
            lab_actions.score_usg(
                acting_user=member, problem=problem, urgency=5, seriousness=4, growth=4
            )
    return problem


def load_innovations_demo(*, system, programme) -> list[Innovation]:
    coach = User.objects.get(username="demo-coach")
    member = User.objects.get(username="demo-anggota-tim")
    made = []
    for spec in SPECS:
        enrolment = Enrolment.objects.filter(programme=programme, unit__name=spec["unit"]).first()
        if enrolment is None:
            continue
        existing = Innovation.objects.filter(enrolment=enrolment, name=spec["name"]).first()
        if existing is not None:
            made.append(existing)
            continue
        idea = _idea_for(enrolment, spec, system=system, coach=coach)
        if idea is None:
            continue
        worker = member if enrolment.unit.name == SPECS[0]["unit"] else system
        innovation = actions.create_innovation(
            acting_user=worker, idea=idea, name=spec["name"], is_demo=True
        )
        _design(innovation, spec, worker)
        _through(innovation, spec, worker, coach)
        made.append(innovation)
    return made


def _idea_for(enrolment, spec, *, system, coach):
    if enrolment.unit.name == SPECS[0]["unit"]:
        problem = enrolment.problems.filter(ideas__isnull=False).order_by("id").first()
        return problem.ideas.order_by("id").first() if problem else None
    from labinov.demo.lab_demo import _pass

    if enrolment.unit.name not in UNIT_WORK:
        return None
    member = _team_member(enrolment, system=system)
    problem = _ready_unit(enrolment, system=system, coach=coach, member=member)
    if problem is None:
        return None
    if enrolment.allows(Work.IDEAS):
        # Every idea of the unit is written in diagnose, before its gate locks them.
        for each in SPECS:
            if each["unit"] == enrolment.unit.name and not problem.ideas.filter(title=each["name"]):
                lab_actions.add_idea(
                    acting_user=member,
                    problem=problem,
                    title=each["name"],
                    description=f"{each['method']} {OWN_WORDS}",
                    is_demo=True,
                    is_new=True,
                    benefits=True,
                    no_burden=True,
                    in_authority=True,
                    replicable=True,
                )
        _pass(enrolment, coach, "Masalah prioritas, penyebab dan gagasan sudah diuji.")
        enrolment.refresh_from_db()
    return problem.ideas.filter(title=spec["name"]).first()


def _own(innovation) -> str:
    """Texts about a real innovation say that they are our own words."""
    return "" if innovation.name.startswith(DEMO) else f" {OWN_WORDS}"


def _design(innovation, spec, worker):
    own = _own(innovation)
    actions.update_innovation(
        acting_user=worker,
        innovation=innovation,
        affairs=spec["affairs"],
        kind=spec["kind"],
        design_method=f"{spec['method']}{own}",
        design_problem=f"{innovation.idea.problem.description}{own}",
        aims=f"{DEMO} Layanan lebih cepat, lebih murah, dan lebih mudah bagi warga.",
        **SECTIONS,
    )
    actions.add_milestone(
        acting_user=worker,
        innovation=innovation,
        title=f"{DEMO} Prosedur baru dan pelatihan petugas",
        owner="Ketua tim inovasi (contoh demo)",
        start=D(2022, 11, 24),
        end=D(2022, 12, 5),
        deliverable="Prosedur tertulis dan petugas terlatih",
        budget=2_500_000,
        stakeholders="Perangkat daerah terkait, kecamatan",
    )
    actions.add_milestone(
        acting_user=worker,
        innovation=innovation,
        title=f"{DEMO} Uji coba bersama warga",
        owner="Sekretaris tim (contoh demo)",
        start=D(2022, 12, 5),
        end=D(2022, 12, 14),
        deliverable="Laporan uji coba dengan angka layanan",
        budget=5_000_000,
        stakeholders="Warga, kecamatan, desa",
    )
    for measure, target, _actual, *baseline in spec["measures"]:
        actions.set_service_measure(
            acting_user=worker,
            innovation=innovation,
            measure=measure,
            target=target,
            baseline=baseline[0] if baseline else None,
        )


def _pass_gate(innovation, coach, reason):
    innovation.refresh_from_db()
    record = lab_actions.decide_gate(
        acting_user=coach,
        subject=innovation,
        stage=innovation.stage,
        decision="approved",
        reason=f"{DEMO} {reason}",
    )
    if record.decision != "approved":
        raise RuntimeError(f"demo gate refused: {record.missing}")
    innovation.refresh_from_db()
    return record


def _through(innovation, spec, worker, coach):
    last = STAGE_ORDER.index(spec["until"])
    if last < 1:
        return  # stays in design, its plan dated in 2022: the dashboard shows it overdue
    _pass_gate(innovation, coach, "Rancang bangun dan rencana aksi lengkap.")
    actions.update_innovation(
        acting_user=worker,
        innovation=innovation,
        trial_date=spec["trial"],
        implementation_date=spec["implementation"],
    )
    for milestone in innovation.milestones.all():
        actions.record_progress(
            acting_user=worker,
            milestone=milestone,
            progress=100,
            note=f"{DEMO} Langkah selesai sesuai rencana.",
        )
    for measure, target, actual, *baseline in spec["measures"]:
        actions.set_service_measure(
            acting_user=worker,
            innovation=innovation,
            measure=measure,
            target=target,
            actual=actual,
            baseline=baseline[0] if baseline else None,
        )
    if spec.get("volume"):
        transactions, hours = spec["volume"]
        actions.set_service_volume(
            acting_user=worker,
            innovation=innovation,
            transactions_per_year=transactions,
            hours_per_visit=hours,
        )
    actions.add_monitoring_comment(
        acting_user=coach,
        innovation=innovation,
        text=f"{DEMO} Uji coba berjalan baik; catat keluhan warga setiap minggu.",
    )
    if last < 2:
        return
    _pass_gate(innovation, coach, "Uji coba terlaksana dan hasil terukur.")
    actions.update_innovation(
        acting_user=worker,
        innovation=innovation,
        launch_date=D(2022, 12, 15),
        launch_occasion="Purbalingga Expo dan peluncuran inovasi 2022",
        public_summary=f"{DEMO} {spec['method']}{_own(innovation)}",
    )
    actions.add_photo(
        acting_user=worker,
        innovation=innovation,
        image=_poster(innovation.name),
        caption="[Contoh demo] gambar buatan, bukan foto asli",
    )
    _pass_gate(innovation, coach, "Diluncurkan pada Purbalingga Expo.")
    if last < 3:
        return
    actions.update_innovation(
        acting_user=worker,
        innovation=innovation,
        benefits=f"{DEMO} Warga tidak perlu datang ke kantor dan tidak mengeluarkan ongkos.",
        expected_results=f"{DEMO} Layanan selesai dalam satu hari.",
    )
    _pass_gate(innovation, coach, "Profil inovasi lengkap.")
