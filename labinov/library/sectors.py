"""The sector ("urusan pemerintahan") of an innovation: one key for each, however a
source spells it, so that the search filter lists each sector once.

A key is lower case, its words joined by "_" (the spelling of the national data, e.g.
``kependudukan``, ``ekonomi_umkm``). ``sector_key`` turns any spelling into its key:
"Administrasi Kependudukan" and "adminduk" both become ``kependudukan``. A sector not
listed keeps its own key (its spelling in that form), so nothing is lost.
"""

import re

#: key -> how people read it
SECTORS = {
    "administrasi_pemerintahan": "Administrasi pemerintahan",
    "ekonomi_umkm": "Ekonomi dan UMKM",
    "energi": "Energi",
    "kebencanaan": "Kebencanaan",
    "kelautan_perikanan": "Kelautan dan perikanan",
    "kependudukan": "Administrasi kependudukan",
    "kesehatan": "Kesehatan",
    "ketenagakerjaan": "Ketenagakerjaan",
    "ketenteraman_ketertiban": "Ketenteraman dan ketertiban",
    "keuangan": "Keuangan",
    "kominfo_data": "Komunikasi, informatika dan data",
    "lingkungan": "Lingkungan hidup",
    "pangan": "Pangan",
    "pariwisata": "Pariwisata",
    "pekerjaan_umum_tata_ruang": "Pekerjaan umum dan tata ruang",
    "pemberdayaan_perempuan_anak": "Pemberdayaan perempuan dan perlindungan anak",
    "pemerintahan_desa": "Pemerintahan desa",
    "pendidikan": "Pendidikan",
    "pengaduan_masyarakat": "Pengaduan masyarakat",
    "perhubungan": "Perhubungan",
    "perizinan": "Perizinan",
    "perpustakaan": "Perpustakaan",
    "pertanian": "Pertanian",
    "sosial": "Sosial",
}

#: other spellings (as keys) -> key
ALIASES = {
    "administrasi_kependudukan": "kependudukan",
    "administrasi_kependudukan_dan_pencatatan_sipil": "kependudukan",
    "kependudukan_dan_pencatatan_sipil": "kependudukan",
    "adminduk": "kependudukan",
    "dukcapil": "kependudukan",
    "umkm": "ekonomi_umkm",
    "koperasi_dan_umkm": "ekonomi_umkm",
    "koperasi_usaha_kecil_dan_menengah": "ekonomi_umkm",
    "ekonomi": "ekonomi_umkm",
    "energi_dan_sumber_daya_mineral": "energi",
    "bencana": "kebencanaan",
    "penanggulangan_bencana": "kebencanaan",
    "kelautan_dan_perikanan": "kelautan_perikanan",
    "perikanan": "kelautan_perikanan",
    "tenaga_kerja": "ketenagakerjaan",
    "ketenteraman_dan_ketertiban_umum": "ketenteraman_ketertiban",
    "ketenteraman_ketertiban_umum_dan_perlindungan_masyarakat": "ketenteraman_ketertiban",
    "komunikasi_dan_informatika": "kominfo_data",
    "kominfo": "kominfo_data",
    "statistik": "kominfo_data",
    "lingkungan_hidup": "lingkungan",
    "ketahanan_pangan": "pangan",
    "pekerjaan_umum": "pekerjaan_umum_tata_ruang",
    "pekerjaan_umum_dan_penataan_ruang": "pekerjaan_umum_tata_ruang",
    "penataan_ruang": "pekerjaan_umum_tata_ruang",
    "pemberdayaan_perempuan_dan_perlindungan_anak": "pemberdayaan_perempuan_anak",
    "pemberdayaan_masyarakat_dan_desa": "pemerintahan_desa",
    "desa": "pemerintahan_desa",
    "pengaduan": "pengaduan_masyarakat",
    "perizinan_dan_penanaman_modal": "perizinan",
    "penanaman_modal": "perizinan",
}

_NOT_A_WORD = re.compile(r"[^0-9a-z]+")


def sector_key(text: str) -> str:
    """The key of a sector however it is written ("" for none)."""
    key = _NOT_A_WORD.sub("_", (text or "").lower()).strip("_")
    return ALIASES.get(key, key)


def sector_label(key: str) -> str:
    """How people read a sector key."""
    if not key:
        return ""
    return SECTORS.get(key) or key.replace("_", " ").capitalize()
