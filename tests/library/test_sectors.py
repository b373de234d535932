"""One sector, one key: the search filter lists each sector once (issue 11, defect 12)."""

import io

import pytest

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.exchange import read_file
from labinov.library.models import LibraryEntry
from labinov.library.sectors import SECTORS, sector_key, sector_label
from tests.library.conftest import row


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("kependudukan", "kependudukan"),
        ("Administrasi Kependudukan", "kependudukan"),
        ("Administrasi Kependudukan dan Pencatatan Sipil", "kependudukan"),
        ("  KESEHATAN ", "kesehatan"),
        ("pekerjaan_umum_tata_ruang", "pekerjaan_umum_tata_ruang"),
        ("Pekerjaan Umum dan Penataan Ruang", "pekerjaan_umum_tata_ruang"),
        ("Kebudayaan", "kebudayaan"),  # not listed: kept, as its key
        ("", ""),
    ],
)
def test_every_spelling_has_one_key(written, key):
    assert sector_key(written) == key


def test_every_key_is_its_own_key_and_reads_as_words():
    assert all(sector_key(key) == key for key in SECTORS)
    assert sector_label("kependudukan") == "Administrasi kependudukan"
    assert sector_label("kebudayaan") == "Kebudayaan"


@pytest.mark.django_db
def test_imported_and_local_spellings_meet_in_one_facet(client):
    csv = (
        "source_id,name,region,sector,problem\n"
        "a,Akta Cepat,Kabupaten Uji,kependudukan,akta kelahiran lambat\n"
        "b,Akta Dekat,Kabupaten Uji,Administrasi Kependudukan,akta kelahiran jauh\n"
    )
    parsed = read_file(io.BytesIO(csv.encode()), "sektor.csv")
    assert parsed.problems == []
    actions.import_entries(acting_user=SystemActor("uji"), rows=[r for _n, r in parsed.rows])
    assert set(LibraryEntry.objects.values_list("sector", flat=True)) == {"kependudukan"}
    facets = client.get("/api/v1/library/search", {"q": "akta"}).json()["facets"]["sector"]
    assert facets == [{"value": "kependudukan", "count": 2}]
    page = client.get("/pustaka/", {"q": "akta"}).content.decode()
    assert "Administrasi kependudukan" in page


@pytest.mark.django_db
def test_an_entry_page_shows_no_internal_ids_and_one_replication_count(client):
    actions.import_entries(
        acting_user=SystemActor("uji"),
        rows=[row("antrian-regol-boyolali", name="Antrian Regol", sector="kesehatan")],
    )
    entry = LibraryEntry.objects.get()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert "antrian-regol-boyolali" not in page
    assert "Direplikasi 0 kali" in page
    assert "Replikasi</dt>" not in page
