import json
from io import StringIO

import pytest
from django.core.management import call_command

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.models import LibraryEntry, LibraryTerm, LibraryWord
from labinov.library.selectors import similar_entries
from tests.library.conftest import row


def search_api(client, **params):
    response = client.get("/api/v1/library/search", params)
    assert response.status_code == 200, response.content
    return response.json()


def test_search_answers_count_and_items_best_first(client, library):
    body = search_api(client, q="akta kelahiran", limit=5)
    assert body["count"] >= 5
    assert len(body["items"]) == 5
    scores = [item["score"] for item in body["items"]]
    assert scores == sorted(scores, reverse=True)
    assert {"source_id", "name", "region", "score"} <= set(body["items"][0])
    assert "akta" in body["items"][0]["name"].lower() or "<mark>" in body["items"][0]["snippet"]


def test_search_understands_indonesian_affixes(client, library):
    # "kelahiran" (birth) is indexed as its root "lahir": a record that says "lahir" is found.
    ids = [i["source_id"] for i in search_api(client, q="kelahiran bayi", limit=10)["items"]]
    assert "lahir-procot-pulang-bawa-akta-banyuwangi" in ids


def test_search_tolerates_small_misspellings(client, library):
    right = [i["source_id"] for i in search_api(client, q="antrean pasien puskesmas")["items"]]
    body = search_api(client, q="antrean pasein puskesmass")
    assert body["corrections"]
    found = [i["source_id"] for i in body["items"]]
    assert found[0] == right[0]
    assert set(right[:3]) <= set(found[:5])


def test_numbers_are_not_known_words_of_spelling_correction(client, db):
    actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[row("nomor", name="Layanan Cepat 38307", problem="Antrean 2024 panjang")],
    )
    known = set(LibraryWord.objects.values_list("word", flat=True))
    assert {"layanan", "cepat", "antrean", "panjang"} <= known
    assert not known & {"38307", "2024"}
    # A typed number is searched as it is, never "corrected" to another.
    body = search_api(client, q="38308")
    assert not body["corrections"] and body["items"] == []


def test_search_knows_spelling_variants(client, library):
    antrian = {i["source_id"] for i in search_api(client, q="antrian loket")["items"][:5]}
    antrean = {i["source_id"] for i in search_api(client, q="antrean loket")["items"][:5]}
    assert antrian & antrean


def test_filters_narrow_and_facets_count(client, library):
    everything = search_api(client, q="pasien", limit=50)
    health = search_api(client, q="pasien", sector="kesehatan", digital="true", limit=50)
    assert 0 < health["count"] < everything["count"]
    assert all(i["sector"] == "kesehatan" and i["digital"] for i in health["items"])
    sectors = {f["value"]: f["count"] for f in everything["facets"]["sector"]}
    assert sectors["kesehatan"] == sum(1 for _ in range(sectors["kesehatan"]))
    assert sum(sectors.values()) <= everything["count"]
    year = everything["items"][0]["year"]
    if year:
        assert all(i["year"] == year for i in search_api(client, q="pasien", year=year)["items"])


def test_search_pages_with_offset(client, library):
    first = search_api(client, q="warga desa", limit=5)
    second = search_api(client, q="warga desa", limit=5, offset=5)
    assert not {i["source_id"] for i in first["items"]} & {i["source_id"] for i in second["items"]}
    assert first["count"] == second["count"]


def test_nothing_found_is_an_empty_list(client, library):
    assert search_api(client, q="zzxqv")["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/library/search", 422),
        ("/api/v1/library/search?q=a&limit=0", 422),
        ("/api/v1/library/search?q=a&form=bukan", 422),
        ("/api/v1/library/999999", 404),
        ("/api/v1/library?limit=x", 422),
    ],
)
def test_api_errors_have_the_one_shape(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    assert set(response.json()) == {"message", "code", "errors"}


def test_list_and_detail(client, library):
    body = client.get("/api/v1/library?limit=3&offset=2&province=Jawa Timur").json()
    assert body["count"] == LibraryEntry.objects.filter(province="Jawa Timur").count()
    assert len(body["items"]) == 3
    entry = body["items"][0]
    detail = client.get(f"/api/v1/library/{entry['id']}").json()
    assert detail["source_id"] == entry["source_id"]
    assert detail["problem"]


def test_cli_search_prints_a_json_list(library):
    out = StringIO()
    call_command("search", "stunting balita", "--limit", "3", "--json", stdout=out)
    items = json.loads(out.getvalue())
    assert isinstance(items, list) and len(items) == 3
    assert all({"source_id", "name", "region", "score"} <= set(i) for i in items)
    assert items[0]["score"] >= items[-1]["score"]


def test_reimport_keeps_the_index_and_counts_right(db):
    system = SystemActor("test")
    actions.import_entries(
        acting_user=system, rows=[row("u-1", problem="sampah menumpuk di pasar")]
    )
    actions.import_entries(acting_user=system, rows=[row("u-1", problem="banjir merendam jalan")])
    assert LibraryTerm.objects.get(term="sampah").df == 0
    assert LibraryTerm.objects.get(term="banjir").df == 1
    out = StringIO()
    call_command("search", "sampah", "--json", stdout=out)
    assert json.loads(out.getvalue()) == []
    call_command("search", "banjir", "--json", stdout=(out := StringIO()))
    assert [i["source_id"] for i in json.loads(out.getvalue())] == ["u-1"]


def search_ids(text):
    out = StringIO()
    call_command("search", text, "--json", stdout=out)
    return [i["source_id"] for i in json.loads(out.getvalue())]


def test_bulk_imports_leave_the_index_whole_and_writes_after_them_indexed(db, monkeypatch):
    # A bulk import indexes its new rows a batch at a time (on SQLite without the insert
    # trigger, see search/index.py); a rejected import rolls back; the index must still
    # agree with the table, and a single write afterwards must be indexed by the trigger.
    from django.db import connection

    from labinov.library.exchange import Problem

    system = SystemActor("test")
    monkeypatch.setattr(actions, "BATCH", 2)
    actions.import_entries(
        acting_user=system,
        rows=[row(f"b-{i}", problem=f"jalan rusak nomor {i}") for i in range(5)],
    )
    actions.import_entries(
        acting_user=system,
        rows=[row("b-1", problem="banjir merendam pasar"), row("b-9", problem="banjir rob")],
    )
    rejected = actions.import_rows(
        acting_user=system,
        rows=[
            (2, row("r-1", problem="kemacetan lalu lintas"), []),
            (3, {}, [Problem(3, "name", "kosong")]),
        ],
    )
    assert not rejected.imported and rejected.bad_rows == 1
    actions.upsert_entry(
        acting_user=system,
        source_id="s-1",
        name="Lapak",
        region="Kabupaten Uji",
        problem="kemacetan lalu lintas di alun-alun",
    )
    assert sorted(search_ids("banjir")) == ["b-1", "b-9"]
    assert "b-1" not in search_ids("jalan rusak")
    assert search_ids("kemacetan") == ["s-1"]
    assert LibraryEntry.objects.count() == 7
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # FTS5 compares its index with the entry table; raises if they differ.
            cursor.execute(
                "INSERT INTO library_fts(library_fts, rank) VALUES ('integrity-check', 1)"
            )
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
                "AND name = 'library_fts_insert'"
            )
            assert cursor.fetchone()[0] == 1


def test_similar_entries_flag_near_duplicates_in_the_same_region(library):
    text = "antrean pasien menumpuk di loket pendaftaran puskesmas"
    found = similar_entries(text, region="Kabupaten Boyolali")
    assert found
    flagged = [s.entry.source_id for s in found if s.near_duplicate]
    assert flagged == ["antrian-regol-boyolali"]
    assert not any(s.near_duplicate for s in similar_entries(text, region="Kota Uji Lain"))


def test_upsert_entry_is_the_door_for_this_installations_innovations(db):
    entry = actions.upsert_entry(
        acting_user=SystemActor("test"),
        source_id="inovasi-7",
        name="Lapak Warga",
        region="Kabupaten Uji",
    )
    again = actions.upsert_entry(
        acting_user=SystemActor("test"),
        source_id="inovasi-7",
        name="Lapak Warga Baru",
        region="Kabupaten Uji",
    )
    assert entry.pk == again.pk and again.source == LibraryEntry.Source.LOCAL
    assert again.name == "Lapak Warga Baru"
