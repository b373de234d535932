"""What the demo's innovations and units are: data, read by ``innovations_demo`` and
``spread_demo``.

``REAL`` holds the 15 real innovations of Kabupaten Purbalingga listed in
``data/purbalingga.json``, each in the unit its source names and at the stage it reached:
every one of them was launched and shown to the public (the sources report them running or
entered in the 2023 public-service innovation competition, KIPP), so each has passed display;
those the sources describe fully enough for a profile are also documented. What they say is
written in our own words, and their service figures are demo figures, as their texts say.
Two sources name no managing unit ("Pemkab Purbalingga"); those two sit in the Sekretariat
Daerah, and their texts say that the source names no unit.

``UNIT_WORK`` is, per unit, the demo team account that does its diagnose and the problem its
innovations answer: made up for the demo, marked "[Contoh demo]".
"""

import datetime

DEMO = "[Contoh demo]"
D = datetime.date
NO_UNIT_NAMED = (
    "Sumber tidak menyebut unit pengelolanya; di demo ini dicatat di Sekretariat Daerah."
)
DEMO_UNIT = "Dinas Kependudukan dan Pencatatan Sipil (Dinpendukcapil)"
KOMINFO = "Dinas Komunikasi dan Informatika (Dinkominfo)"
SETDA = "Sekretariat Daerah"


def _problem(service, description, affected, **baseline):
    return {
        "service": service,
        "description": f"{DEMO} {description}",
        "affected": affected,
        "evidence_text": f"{DEMO} Angka contoh untuk demo, bukan data resmi.",
        "is_demo": True,
        **baseline,
    }


#: unit -> (demo team account, its name, the problem its innovations answer)
UNIT_WORK = {
    KOMINFO: (
        "demo-tim-kominfo",
        "Akun Demo Tim Dinkominfo",
        _problem(
            "Pengaduan dan data layanan publik",
            "Aduan warga tersebar di banyak kanal dan data sektoral tiap perangkat daerah "
            "berbeda-beda, sehingga tindak lanjut lambat.",
            "Warga yang mengadu dan perangkat daerah yang memakai data",
            baseline_days=10,
            baseline_steps=5,
            baseline_satisfaction=60,
        ),
    ),
    "Puskesmas Karangreja": (
        "demo-tim-karangreja",
        "Akun Demo Tim Puskesmas Karangreja",
        _problem(
            "Pendampingan warga dengan gangguan jiwa",
            "Warga dengan gangguan jiwa jarang kontrol dan keluarganya harus membawa mereka "
            "ke rumah sakit di kota.",
            "Warga dengan gangguan jiwa dan keluarganya",
            baseline_days=14,
            baseline_cost=150000,
            baseline_steps=5,
            baseline_satisfaction=55,
        ),
    ),
    "Puskesmas Pengadegan": (
        "demo-tim-pengadegan",
        "Akun Demo Tim Puskesmas Pengadegan",
        _problem(
            "Sampah rumah tangga dan kesehatan lingkungan",
            "Sampah rumah tangga dibuang ke sungai dan kebun; kasus diare dan demam berdarah "
            "naik setiap musim hujan.",
            "Warga desa di wilayah kerja puskesmas",
            baseline_days=7,
            baseline_steps=4,
            baseline_satisfaction=50,
        ),
    ),
    "RSUD dr. R. Goeteng Taroenadibrata": (
        "demo-tim-rsud-goeteng",
        "Akun Demo Tim RSUD Goeteng",
        _problem(
            "Pendaftaran dan antrean pasien rumah sakit",
            "Pasien menunggu berjam-jam dari pendaftaran sampai pemeriksaan dokter.",
            "Pasien rawat jalan dan keluarganya",
            baseline_days=1,
            baseline_steps=6,
            baseline_satisfaction=62,
        ),
    ),
    "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)": (
        "demo-tim-dpmptsp",
        "Akun Demo Tim DPMPTSP",
        _problem(
            "Pelayanan perizinan usaha",
            "Pemohon izin harus datang beberapa kali dan tidak tahu sampai di mana berkasnya.",
            "Pelaku usaha dan warga yang mengurus izin",
            baseline_days=10,
            baseline_cost=75000,
            baseline_steps=7,
            baseline_requirements=8,
            baseline_satisfaction=65,
        ),
    ),
    "Puskesmas Serayu Larangan": (
        "demo-tim-serayu-larangan",
        "Akun Demo Tim Puskesmas Serayu Larangan",
        _problem(
            "Layanan kesehatan reproduksi remaja",
            "Remaja enggan bertanya tentang kesehatan reproduksi di puskesmas karena malu.",
            "Remaja usia sekolah",
            baseline_days=1,
            baseline_steps=3,
            baseline_satisfaction=48,
        ),
    ),
    "Puskesmas Karangmoncol": (
        "demo-tim-karangmoncol",
        "Akun Demo Tim Puskesmas Karangmoncol",
        _problem(
            "Layanan ibu hamil dan bayi",
            "Pemeriksaan ibu hamil berisiko terlambat karena layanan tersebar di beberapa tempat.",
            "Ibu hamil, ibu bersalin dan bayi",
            baseline_days=7,
            baseline_steps=5,
            baseline_satisfaction=60,
        ),
    ),
    "Badan Perencanaan Pembangunan, Penelitian, dan Pengembangan Daerah (Bappelitbangda)": (
        "demo-tim-bappelitbangda",
        "Akun Demo Tim Bappelitbangda",
        _problem(
            "Izin penelitian mahasiswa",
            "Mahasiswa harus datang ke kantor untuk mengurus izin penelitian dan menunggu "
            "tanda tangan beberapa pejabat.",
            "Mahasiswa dan peneliti",
            baseline_days=5,
            baseline_cost=40000,
            baseline_steps=4,
            baseline_requirements=5,
        ),
    ),
    "Dinas Kesehatan": (
        "demo-tim-dinkes",
        "Akun Demo Tim Dinas Kesehatan",
        _problem(
            "Pendaftaran pasien puskesmas",
            "Pasien antre sejak subuh untuk mendapat nomor pendaftaran.",
            "Pasien rawat jalan, lansia",
            baseline_days=0.5,
            baseline_steps=4,
            baseline_requirements=2,
        ),
    ),
    "Dinas Arsip dan Perpustakaan (Dinarpus)": (
        "demo-tim-dinarpus",
        "Akun Demo Tim Dinarpus",
        _problem(
            "Penyimpanan dan pencarian arsip perangkat daerah",
            "Arsip perangkat daerah disimpan di kertas; mencari satu berkas bisa berhari-hari.",
            "Pegawai perangkat daerah dan warga yang meminta salinan arsip",
            baseline_days=3,
            baseline_steps=4,
        ),
    ),
    SETDA: (
        "demo-tim-setda",
        "Akun Demo Tim Sekretariat Daerah",
        _problem(
            "Aduan warga dan informasi lowongan kerja",
            "Aduan warga tidak jelas tindak lanjutnya dan pencari kerja sulit menemukan "
            "lowongan perusahaan di daerah sendiri.",
            "Warga yang mengadu dan pencari kerja",
            baseline_days=14,
            baseline_steps=5,
            baseline_satisfaction=58,
        ),
    ),
}


def _real(unit, name, method, until, measures, *, year, affairs, kind="digital", volume=None):
    return {
        "unit": unit,
        "name": name,
        "until": until,
        "affairs": affairs,
        "kind": kind,
        "method": f"{method} (Tahun menurut sumber: {year}.)",
        "measures": measures,
        "volume": volume,
        "trial": D(2022, 11, 24),
        "implementation": D(2022, 12, 15),
        "real": True,
    }


#: The 15 real innovations. Measures are (measure, target, actual[, baseline]): demo figures.
REAL = [
    _real(
        KOMINFO,
        "Matur Bupati (Matur Bup)",
        "Warga menyampaikan pengaduan dan aspirasi kepada bupati melalui satu kanal daring; "
        "setiap aduan diteruskan ke perangkat daerah yang berwenang dengan target tanggapan "
        "1x24 jam dan warga dapat melihat tindak lanjutnya.",
        "display",
        # No channel before it: a baseline of 0, so its reach is "new", not a percent.
        [("days", 3, 2), ("satisfaction", 85, 82), ("people_served", 2000, 1500, 0)],
        year=2018,
        affairs="Komunikasi dan Informatika",
        volume=(1500, None),
    ),
    _real(
        KOMINFO,
        "Purbalingga Satu Data",
        "Data sektoral semua perangkat daerah dihimpun dalam satu portal dengan standar yang "
        "sama dan dapat diunduh masyarakat, sehingga perencanaan dan warga memakai angka "
        "yang sama.",
        "documentation",
        [("days", 2, 1)],
        year=2018,
        affairs="Statistik dan Komunikasi dan Informatika",
    ),
    _real(
        KOMINFO,
        "E-Akun",
        "Satu akun tunggal bagi ASN untuk masuk ke berbagai aplikasi dan sistem pemerintah "
        "kabupaten, sehingga tidak perlu mengingat banyak kata sandi.",
        "display",
        [("steps", 2, 2)],
        year=2018,
        affairs="Komunikasi dan Informatika",
    ),
    _real(
        KOMINFO,
        "E-Presensi",
        "Kehadiran, keterlambatan dan ketidakhadiran ASN dicatat dan dipantau pimpinan "
        "secara daring.",
        "documentation",
        [("days", 1, 1), ("steps", 2, 3)],
        year=2018,
        affairs="Kepegawaian dan Komunikasi dan Informatika",
    ),
    _real(
        "Puskesmas Karangreja",
        "Puspita (Puskes Peduli Penderita Jiwa)",
        "Puskesmas memberi perhatian dan pendampingan khusus bagi warga dengan gangguan jiwa "
        "dan keluarganya, termasuk kunjungan rumah.",
        "documentation",
        [("days", 7, 7), ("cost", 20000, 15000), ("visits", 1, 1, 3), ("satisfaction", 75, 80)],
        year=2023,
        affairs="Kesehatan",
        kind="non_digital",
        volume=(240, 5),
    ),
    _real(
        "Puskesmas Pengadegan",
        "Gemah Ripah (Gerakan Mengelola Sampah)",
        "Gerakan yang mengajak masyarakat memilah dan mengelola sampah rumah tangga untuk "
        "lingkungan yang lebih sehat.",
        "documentation",
        [("satisfaction", 70, 74), ("people_served", 3000, 3400, 0)],
        year=2023,
        affairs="Kesehatan dan Lingkungan Hidup",
        kind="non_digital",
    ),
    _real(
        "RSUD dr. R. Goeteng Taroenadibrata",
        "Laskar Fast Track",
        "Inovasi layanan jalur cepat di rumah sakit; rincian cara kerjanya tidak dijelaskan "
        "di sumber.",
        "display",
        [("steps", 3, 4), ("satisfaction", 80, 76)],
        year=2023,
        affairs="Kesehatan",
    ),
    _real(
        "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu (DPMPTSP)",
        "Si Purba",
        "Inovasi layanan perizinan; kepanjangan nama dan rinciannya tidak disebut di sumber.",
        "display",
        [("days", 3, 4), ("steps", 4, 4), ("visits", 1, 1, 3)],
        year=2023,
        affairs="Penanaman Modal",
        volume=(4000, 3),
    ),
    _real(
        "Puskesmas Serayu Larangan",
        "Bibir Seksi (Bincang-Bincang Remaja Seputar Seks dan Reproduksi)",
        "Ruang diskusi bagi remaja untuk membahas kesehatan seksual dan reproduksi bersama "
        "tenaga kesehatan.",
        "documentation",
        [("satisfaction", 75, 81), ("people_served", 500, 620, 0)],
        year=2023,
        affairs="Kesehatan",
        kind="non_digital",
    ),
    _real(
        "Puskesmas Karangmoncol",
        "Puspa Ungu (Pelayanan Terpadu Sukseskan AKI dan AKB untuk Generasi Unggul)",
        "Layanan terpadu bagi ibu hamil dan bayi untuk menekan angka kematian ibu dan bayi.",
        "documentation",
        [("days", 2, 1), ("steps", 3, 3), ("satisfaction", 80, 84)],
        year=2023,
        affairs="Kesehatan",
        kind="non_digital",
    ),
    _real(
        "Badan Perencanaan Pembangunan, Penelitian, dan Pengembangan Daerah (Bappelitbangda)",
        "Si-Intan (Sistem Informasi Izin Penelitian)",
        "Izin penelitian mahasiswa diajukan secara daring tanpa harus bertemu petugas.",
        "display",
        [("days", 2, 2), ("cost", 0, 0), ("visits", 0, 0, 2)],
        year=2021,
        affairs="Perencanaan, Penelitian dan Pengembangan",
        volume=(600, 3),
    ),
    _real(
        "Dinas Kesehatan",
        "Simantri (Sistem Pemantauan Antrian Puskesmas)",
        "Calon pasien memantau antrean puskesmas dari telepon genggam agar tidak terjadi "
        "penumpukan di ruang tunggu.",
        "display",
        [("steps", 3, 3), ("visits", 1, 1, 2)],
        year=2021,
        affairs="Kesehatan",
    ),
    _real(
        "Dinas Arsip dan Perpustakaan (Dinarpus)",
        "E-Arling (Elektronik Arsip Purbalingga)",
        "Arsip perangkat daerah disimpan secara digital dan daring sehingga mudah dicari.",
        "documentation",
        [("days", 1, 1), ("steps", 2, 2)],
        year=2019,
        affairs="Kearsipan",
    ),
    _real(
        SETDA,
        "Lapor Masbup",
        "Kanal pengaduan warga lewat WhatsApp, media sosial dan situs resmi yang terhubung "
        f"dengan Lapor PakGub; tindak lanjutnya diumumkan ke publik. {NO_UNIT_NAMED}",
        "display",
        [("days", 5, 4), ("satisfaction", 75, 72)],
        year=2025,
        affairs="Komunikasi dan Informatika",
    ),
    _real(
        SETDA,
        "Kepenak Ngodene",
        "Platform yang mempertemukan perusahaan dan pencari kerja: perusahaan memasang "
        f"lowongan, pencari kerja mengunggah daftar riwayat hidup. {NO_UNIT_NAMED}",
        "display",
        [("people_served", 1000, 850, 0)],
        year=2025,
        affairs="Tenaga Kerja",
    ),
]

#: The made-up innovation of the demo unit, whose team are the demo accounts.
DEMO_UNIT_INNOVATION = {
    "unit": DEMO_UNIT,
    "name": f"{DEMO} Akta Lahir dari Puskesmas",
    "until": "documentation",
    "affairs": "Administrasi Kependudukan dan Pencatatan Sipil",
    "kind": "digital",
    "method": (
        "Bidan dan puskesmas mengunggah berkas kelahiran melalui aplikasi; petugas dinas "
        "memverifikasi secara daring dan akta elektronik dikirim kepada orang tua, "
        "sehingga orang tua tidak perlu datang ke kantor dinas."
    ),
    "measures": [("days", 1, 1), ("steps", 2, 2), ("cost", 0, 0), ("visits", 0, 0, 2)],
    # Demo figures, not official data: births a year and hours of one trip to the office.
    "volume": (1200, 4),
    "trial": D(2022, 11, 24),
    "implementation": D(2022, 12, 15),
}
