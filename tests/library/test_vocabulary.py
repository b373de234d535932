"""The public-service lexicon (labinov/library/data/lexicon.txt) bridges the words of
citizens and officials to the terms the records use, through the search API, the similar
innovations and the near-duplicate warning alike (issue 13)."""

import pytest

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.search import analysis
from tests.library.conftest import row

#: Records written in official terms only; none holds the everyday words asked below.
OFFICIAL = [
    row(
        "deteksi-dm",
        name="Posbindu Gula Darah",
        region="Kabupaten Uji Satu",
        problem="Penderita diabetes melitus terlambat terdeteksi dan jarang kontrol.",
        solution="Pemeriksaan gula darah berkala oleh kader di posbindu desa.",
    ),
    row(
        "teman-lansia",
        name="Teman Lansia",
        problem="Lansia yang tinggal sendirian tidak terpantau kesehatannya.",
        solution="Kader mengunjungi lansia setiap pekan.",
    ),
    row(
        "kejar-paket",
        name="Kejar Aksara",
        problem="Angka niraksara warga dewasa masih tinggi.",
        solution="Kelompok belajar keaksaraan di balai desa.",
    ),
    row(
        "saber-pungli",
        name="Saber Pungli Perizinan",
        problem="Pemohon izin usaha dimintai pungutan liar di loket.",
        solution="Perizinan daring dengan tarif yang diumumkan.",
    ),
    row(
        "ramah-disabilitas",
        name="Layanan Ramah Disabilitas",
        problem="Warga disabilitas sulit mengakses kantor pelayanan.",
        solution="Petugas datang ke rumah warga disabilitas.",
    ),
    row(
        "pasar-murah",
        name="Pasar Murah Keliling",
        problem="Harga bahan pokok naik menjelang hari raya.",
        solution="Operasi pasar di setiap kecamatan.",
    ),
]

#: Everyday words -> the record that answers them in official terms.
BRIDGES = [
    ("kencing manis", "deteksi-dm"),
    ("orang jompo", "teman-lansia"),
    ("buta huruf", "kejar-paket"),
    ("calo", "saber-pungli"),
    ("penyandang cacat", "ramah-disabilitas"),
]


@pytest.fixture
def official(db):
    actions.import_entries(acting_user=SystemActor("test"), rows=OFFICIAL)


def _ids(client, q):
    response = client.get("/api/v1/library/search", {"q": q})
    assert response.status_code == 200, response.content
    return [item["source_id"] for item in response.json()["items"]]


@pytest.mark.parametrize(("everyday", "expected"), BRIDGES)
def test_everyday_words_find_the_record_written_in_official_terms(
    client, official, everyday, expected
):
    record = next(r for r in OFFICIAL if r["source_id"] == expected)
    text = " ".join(str(v) for v in record.values()).lower()
    assert not set(analysis.words(everyday)) & set(analysis.words(text))  # only the lexicon
    assert _ids(client, everyday)[:1] == [expected]


def test_every_group_of_the_lexicon_says_its_source_and_bridges_something():
    groups = analysis.lexicon_groups()
    assert len(groups) >= 300
    for group in groups:
        assert group.source, group
        variants = group.term_variants()
        assert len(variants) >= 2, group  # two spellings that index alike bridge nothing
        assert any(len(v) == 1 for v in variants), group  # a phrase is matched to a word


def test_a_lexicon_line_without_its_source_is_refused(tmp_path, monkeypatch):
    (tmp_path / "lexicon.txt").write_text("kencing manis, diabetes\n", encoding="utf-8")
    monkeypatch.setattr(analysis, "DATA_DIR", tmp_path)
    analysis.lexicon_groups.cache_clear()
    try:
        with pytest.raises(ValueError, match="without its source"):
            analysis.lexicon_groups()
    finally:
        monkeypatch.undo()
        analysis.lexicon_groups.cache_clear()


def test_similar_innovations_and_the_duplicate_warning_use_the_lexicon(client, official):
    # A civil servant types the idea in everyday words; the knowledge base answers with
    # the record written in official ones, and warns that the same region already has it.
    page = client.get(
        "/pustaka/serupa/",
        {
            "title": "Cek kencing manis",
            "description": "pemeriksaan kencing manis berkala oleh kader posbindu desa",
            "region": "Kabupaten Uji Satu",
        },
    )
    text = page.content.decode()
    assert "Posbindu Gula Darah" in text
    assert "sudah ada di Kabupaten Uji Satu" in text
    elsewhere = client.get(
        "/pustaka/serupa/",
        {"title": "Orang jompo", "description": "orang jompo hidup sendiri", "region": "Kota Lain"},
    ).content.decode()
    assert "Teman Lansia" in elsewhere
    assert "sudah ada di" not in elsewhere
