"""The demo's innovations, made from the demo units' ideas through the same actions people use.

One innovation grows from the demo unit's idea (made up, "[Contoh demo]"). Two more carry the
names of real Purbalingga innovations of Dinas Komunikasi dan Informatika listed in
``data/purbalingga.json``; what they say is written in our own words and their numbers are
demo numbers, as each text says. Every innovation is flagged ``is_demo`` (shown with a badge).
"""

import datetime
import io

from django.core.files.base import ContentFile

from labinov.accounts.models import User
from labinov.innovations import actions
from labinov.innovations.models import Innovation
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from labinov.lab.stages import Subject, Work, keys_of

DEMO = "[Contoh demo]"
OWN_WORDS = (
    "Nama inovasi ini nyata (Kabupaten Purbalingga); uraian ditulis dengan kata-kata kami "
    "sendiri dan angkanya adalah contoh demo, bukan data resmi."
)
D = datetime.date

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

SPECS = [
    {
        "unit": "Dinas Kependudukan dan Pencatatan Sipil (Dinpendukcapil)",
        "name": f"{DEMO} Akta Lahir dari Puskesmas",
        "until": "documentation",
        "affairs": "Administrasi Kependudukan dan Pencatatan Sipil",
        "kind": "digital",
        "method": (
            "Bidan dan puskesmas mengunggah berkas kelahiran melalui aplikasi; petugas dinas "
            "memverifikasi secara daring dan akta elektronik dikirim kepada orang tua, "
            "sehingga orang tua tidak perlu datang ke kantor dinas."
        ),
        # (measure, target, actual[, baseline where diagnose did not measure it])
        "measures": [("days", 1, 1), ("steps", 2, 2), ("cost", 0, 0), ("visits", 0, 0, 2)],
        # Demo figures, not official data: births a year and hours of one trip to the office.
        "volume": (1200, 4),
        "trial": D(2022, 11, 24),
        "implementation": D(2022, 12, 15),
    },
    {
        "unit": "Dinas Komunikasi dan Informatika (Dinkominfo)",
        "name": "Matur Bupati (Matur Bup)",
        "until": "display",
        "affairs": "Komunikasi dan Informatika",
        "kind": "digital",
        "method": (
            "Warga menyampaikan pengaduan dan aspirasi kepada bupati melalui satu kanal; "
            "setiap aduan diteruskan ke perangkat daerah yang berwenang dan warga dapat "
            "melihat tindak lanjutnya."
        ),
        "measures": [
            ("days", 3, 2),
            ("satisfaction", 85, 82),
            # No channel before it: a baseline of 0, so its reach is "new", not a percent.
            ("people_served", 2000, 1500, 0),
        ],
        "volume": (1500, None),
        "trial": D(2022, 11, 24),
        "implementation": None,
    },
    {
        "unit": "Dinas Komunikasi dan Informatika (Dinkominfo)",
        "name": "Purbalingga Satu Data",
        "until": "design",
        "affairs": "Statistik dan Komunikasi dan Informatika",
        "kind": "digital",
        "method": (
            "Data sektoral perangkat daerah dikumpulkan dalam satu portal dengan standar yang "
            "sama, sehingga perencanaan dan warga memakai angka yang sama."
        ),
        "measures": [("days", 2, None)],
        "trial": None,
        "implementation": None,
    },
]
STAGE_ORDER = keys_of(Subject.INNOVATION)

KOMINFO_PROBLEM = {
    "service": "Pengaduan dan data layanan publik",
    "description": (
        f"{DEMO} Aduan warga tersebar di banyak kanal dan data sektoral tiap perangkat daerah "
        "berbeda-beda, sehingga tindak lanjut lambat."
    ),
    "affected": "Warga yang mengadu dan perangkat daerah yang memakai data",
    "evidence_text": f"{DEMO} Angka contoh untuk demo, bukan data resmi.",
    "baseline_days": 10,
    "baseline_steps": 5,
    "baseline_satisfaction": 60,
    "is_demo": True,
}


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


def _kominfo_member(enrolment, *, system) -> User:
    """A demo account in Dinkominfo's team, so that its team scores and writes as people do."""
    from labinov.accounts import actions as account_actions
    from labinov.accounts.models import Role
    from labinov.demo.loader import DEMO_PASSWORD

    user = User.objects.filter(username="demo-tim-kominfo").first()
    if user is None:
        user = account_actions.create_person(
            acting_user=system,
            username="demo-tim-kominfo",
            email="demo-tim-kominfo@demo.labinov.invalid",
            first_name="Akun Demo Tim Dinkominfo",
            password=DEMO_PASSWORD,
        )
        account_actions.assign_role(
            acting_user=system,
            user=user,
            role=Role.TEAM_MEMBER,
            region=enrolment.unit.region,
            unit=enrolment.unit,
        )
    return user


def _ready_kominfo(enrolment, *, system, coach, member):
    """Take Dinkominfo through drum-up and diagnose with ideas that carry real names."""
    from labinov.demo.lab_demo import _drum_up, _pass

    _drum_up(
        enrolment,
        head=system,
        members=[("Akun Demo Tim Dinkominfo", "ketua")],
        decree="[Contoh demo] SK Tim Inovasi Dinkominfo",
        readiness_value=3,
    )
    enrolment.refresh_from_db()
    if enrolment.allows(Work.COMMITMENT):  # still in drum-up
        _pass(enrolment, coach, "Drum-up lengkap.")
        enrolment.refresh_from_db()
    problem = enrolment.problems.filter(service=KOMINFO_PROBLEM["service"]).first()
    if problem is None and enrolment.allows(Work.PROBLEMS):
        problem = lab_actions.add_problem(
            acting_user=member, enrolment=enrolment, **KOMINFO_PROBLEM
        )
        lab_actions.add_cause(
            acting_user=member, problem=problem, category="metode", text="Kanal aduan tidak terpadu"
        )
    if not problem.usg_scores.exists() and enrolment.allows(Work.PROBLEMS):
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

    member = _kominfo_member(enrolment, system=system)
    problem = _ready_kominfo(enrolment, system=system, coach=coach, member=member)
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
