"""The embedded search index (library/search/textindex.py): every write to an entry is
noted by the database in its transaction, applied to the index, and a search that uses
the index answers what the database holds at that moment. SQLite and PostgreSQL."""

import dataclasses
import shutil
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from labinov.core.restore import restored
from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.models import LibraryEntry, LibraryStats, SearchChange
from labinov.library.search import analysis, engine, feed, textindex, topk
from tests.library.conftest import row

ACTOR = SystemActor("test")


def noted() -> list[int]:
    return list(SearchChange.objects.order_by("id").values_list("entry_id", flat=True))


def proposed(text: str, filters: dict | None = None, limit: int = 10) -> list[str]:
    query, _vocab = engine.parse_query(text, LibraryStats.current())
    ids = textindex.candidates(query, filters or {}, limit)
    keys = dict(LibraryEntry.objects.filter(pk__in=ids).values_list("id", "source_id"))
    return [keys.get(pk, f"gone-{pk}") for pk in ids]


@pytest.fixture
def large(monkeypatch, settings):
    """The engine treats the test's few entries as a large knowledge base (so the index
    proposes its candidates)."""
    monkeypatch.setattr(topk, "SMALL_CORPUS", 1)


def test_the_database_notes_every_insert_update_and_delete(db):
    actions.import_entries(
        acting_user=ACTOR, rows=[row("a", name="Akta kelahiran"), row("b", name="Sampah")]
    )
    a, b = (LibraryEntry.objects.get(source_id=k).pk for k in ("a", "b"))
    assert sorted(noted()) == sorted([a, b])
    SearchChange.objects.all().delete()

    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Akta kelahiran bayi")])
    LibraryEntry.objects.filter(pk=b).update(sector="kesehatan")  # not through the actions
    LibraryEntry.objects.filter(pk=b).delete()
    assert noted() == [a, b, b]


def test_sync_builds_the_index_then_applies_changes_and_forgets_them(db):
    actions.import_entries(
        acting_user=ACTOR,
        rows=[
            row("akta", name="Akta kelahiran keliling", problem="Warga jauh dari kantor"),
            row("sampah", name="Bank sampah desa", problem="Sampah menumpuk di sungai"),
        ],
    )
    assert textindex.sync() == 2  # no index yet: built from every entry
    assert noted() == []
    assert proposed("akta kelahiran") == ["akta"]

    actions.import_entries(
        acting_user=ACTOR,
        rows=[row("akta", name="Layanan kependudukan keliling", problem="Warga jauh")],
    )
    actions.import_entries(acting_user=ACTOR, rows=[row("stunting", name="Cegah stunting")])
    LibraryEntry.objects.filter(source_id="sampah").delete()
    assert textindex.sync() == 3
    assert noted() == []
    assert proposed("akta kelahiran") == []  # the name changed: the old terms are gone
    assert proposed("kependudukan") == ["akta"]
    assert proposed("sampah") == []
    assert proposed("stunting") == ["stunting"]
    assert textindex.sync() == 0


@pytest.mark.django_db(transaction=True)
def test_a_sync_that_forgets_many_changes_reclaims_their_space(monkeypatch):
    """On PostgreSQL the forgotten changes stay in the table as dead rows until a vacuum,
    and every search's check for pending changes reads past them: the sync vacuums."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite reuses a deleted row's space without a vacuum")
    monkeypatch.setattr(textindex, "VACUUM_AFTER", 20)

    def table_pages() -> int:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_relation_size('library_searchchange')")
            return cursor.fetchone()[0]

    rows = [row(f"entry-{i}", name=f"Layanan keliling {i}") for i in range(30)]
    actions.import_entries(acting_user=ACTOR, rows=rows)
    assert textindex.sync() == 30  # the first sync rebuilds: it forgets the 30 changes
    assert table_pages() == 0
    # Written without the actions (which apply a few changes at once): noted, not applied.
    LibraryEntry.objects.update(problem="Warga jauh dari kantor")
    assert table_pages() > 0
    assert textindex.sync() == 30  # applied, then forgotten
    assert table_pages() == 0
    LibraryEntry.objects.filter(source_id__in=["entry-1", "entry-2"]).update(problem="Jauh")
    assert textindex.sync() == 2  # fewer than VACUUM_AFTER: left to autovacuum
    assert table_pages() > 0


def test_candidates_keep_to_the_filters(db):
    actions.import_entries(
        acting_user=ACTOR,
        rows=[
            row("a", name="Layanan antrean puskesmas", year=2021, sector="kesehatan"),
            row("b", name="Layanan antrean kantor desa", year=2023, digital=True),
            row("c", name="Antrean daring", region="Kota Lain", province="Jawa Barat"),
        ],
    )
    textindex.sync()
    assert sorted(proposed("antrean")) == ["a", "b", "c"]
    assert proposed("antrean", {"year": 2021}) == ["a"]
    assert proposed("antrean", {"sector": "kesehatan"}) == ["a"]
    assert proposed("antrean", {"digital": True}) == ["b"]
    assert proposed("antrean", {"province": "Jawa Barat"}) == ["c"]
    assert proposed("antrean", {"year": 1999}) == []


def test_a_concept_is_asked_by_its_concept_term(db):
    """The index writes, beside a text, the concept term of every query term whose lexicon
    variants it holds: "diabetes" finds the entries saying "kencing manis" or "sakit gula"
    (a phrase), and "lansia" those saying "manula", the word as typed first."""
    actions.import_entries(
        acting_user=ACTOR,
        rows=[
            row("phrase", name="Posbindu", problem="Warga dengan kencing manis tidak terpantau"),
            row("typed", name="Skrining diabetes", problem="Diabetes tidak terdeteksi"),
            row("variant", name="Senam manula", problem="Manula jarang bergerak"),
            row("lansia", name="Posyandu lansia", problem="Lansia jarang diperiksa"),
            row("other", name="Bank sampah", problem="Sampah menumpuk"),
        ],
    )
    textindex.sync()
    assert sorted(proposed("diabetes")) == ["phrase", "typed"]
    assert proposed("penyakit gula") == proposed("diabetes")  # a phrase typed, the same
    assert proposed("lansia") == ["lansia", "variant"]
    assert proposed("manula") == ["variant", "lansia"]


def test_many_entries_have_their_concept_terms_computed_in_a_helper_process(
    db, monkeypatch, helper_processes
):
    """From ``HELPER_FROM`` entries a rebuild, and a sync of as many changes, computes the
    concept terms in a helper process ahead of writing them: the index proposes the same."""
    monkeypatch.setattr(textindex, "HELPER_FROM", 1)
    actions.import_entries(
        acting_user=ACTOR,
        rows=[
            row("phrase", name="Posbindu", problem="Warga dengan kencing manis tidak terpantau"),
            row("other", name="Bank sampah", problem="Sampah menumpuk"),
        ],
    )
    textindex.sync()  # no index yet: a rebuild
    assert proposed("diabetes") == ["phrase"]
    actions.import_entries(
        acting_user=ACTOR, rows=[row("other", name="Skrining", problem="Sakit gula")]
    )
    textindex.sync()  # the change applied
    assert sorted(proposed("diabetes")) == ["other", "phrase"]
    assert len(helper_processes) == 2
    assert all(p.returncode is not None for p in helper_processes)


def test_concept_terms_count_every_occurrence():
    """Each occurrence of a term or phrase writes the concept terms it satisfies, so the
    index counts them as term frequencies: "kencing manis" twice and "diabetes" once make
    c_diabetes three times; "manula" serves both its own concept and that of "lansia"."""
    text = " ".join(analysis.terms("kencing manis dan kencing manis lagi, manula, diabetes"))
    written = analysis.concept_terms().written(text, "c_")
    assert Counter(written.split()) == {"c_diabetes": 3, "c_lansia": 1, "c_manula": 1}


def test_an_index_written_with_another_lexicon_is_written_anew(db, monkeypatch):
    """The concept terms follow the lexicon: an index written before the lexicon changed
    is not asked (searches use the database's index) until it is written anew."""
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    assert textindex.usable()
    changed = dataclasses.replace(analysis.concept_terms(), fingerprint="00000000")
    monkeypatch.setattr(analysis, "concept_terms", lambda: changed)
    assert textindex.usable() is None
    textindex.sync()
    found = textindex.usable()
    assert found is not None and found.name.startswith(f"v{textindex.VERSION}-00000000-")
    assert proposed("taman") == ["a"]


def test_a_search_answers_what_the_database_holds_at_that_moment(db, large, client):
    actions.import_entries(
        acting_user=ACTOR, rows=[row(f"isi-{i}", name=f"Layanan umum {i}") for i in range(5)]
    )
    textindex.sync()
    # Written after the last sync (a worker's sync would come after the commit): the
    # search applies the few noted changes itself.
    actions.import_entries(acting_user=ACTOR, rows=[row("isi-3", name="Posyandu lansia")])
    assert noted()
    found = client.get("/api/v1/library/search", {"q": "posyandu"}).json()
    assert [item["source_id"] for item in found["items"]] == ["isi-3"]
    assert noted() == []
    LibraryEntry.objects.filter(source_id="isi-3").delete()
    found = client.get("/api/v1/library/search", {"q": "posyandu"}).json()
    assert found["items"] == []


def test_many_pending_changes_leave_the_search_to_the_database(db, large, monkeypatch):
    actions.import_entries(acting_user=ACTOR, rows=[row("lama", name="Pasar rakyat")])
    textindex.sync()
    monkeypatch.setattr(textindex, "INLINE_SYNC", 2)
    actions.import_entries(
        acting_user=ACTOR, rows=[row(f"baru-{i}", name=f"Pasar digital {i}") for i in range(4)]
    )
    assert not textindex.usable()
    results = engine.search("pasar digital", semantic=False)
    assert {hit.entry.source_id for hit in results.hits} >= {f"baru-{i}" for i in range(4)}
    assert results.exact  # the database's own exact top k
    assert len(noted()) == 4  # left for the queued sync
    textindex.sync()
    assert textindex.usable()
    results = engine.search("pasar digital", semantic=False)
    assert results.hits[0].entry.source_id.startswith("baru-")
    assert not results.exact  # proposed by the index, scored here


def test_the_index_proposes_and_the_database_scores(db, large, library):
    """On the 288 real records, the index's answer is the engine's: the same entries in
    the same order as scoring every record (a pool far larger than the corpus)."""
    textindex.sync()
    for text in ("akta kelahiran bayi", "sampah plastik", "antrean pasien puskesmas"):
        assert textindex.usable()
        with_index = engine.search(text, semantic=False, with_facets=True)
        assert with_index.hits, text
        with override_settings(LIBRARY_SEARCH_INDEX="off"):
            exact = engine.search(text, semantic=False, with_facets=True)
        assert [h.entry.source_id for h in with_index.hits] == [
            h.entry.source_id for h in exact.hits
        ], text
        # The facets counted from the values read with the proposals' terms are those
        # the records hold, typed as the ORM gives them (SQLite stores a boolean as 0/1).
        assert with_index.facets == exact.facets, text
        digital = [value for value, _n in with_index.facets["digital"]]
        assert digital and all(type(value) is bool for value in digital), digital


def test_rebuild_writes_a_new_index_and_removes_the_old(db, settings):
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    first = (settings.LIBRARY_SEARCH_INDEX_DIR / textindex.POINTER).read_text()
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Gamelan desa")])
    SearchChange.objects.all().delete()  # a change the index never heard of
    assert proposed("gamelan") == []

    call_command("search_index", "--rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    second = (settings.LIBRARY_SEARCH_INDEX_DIR / textindex.POINTER).read_text()
    assert second != first
    assert not (settings.LIBRARY_SEARCH_INDEX_DIR / first).exists()
    assert proposed("gamelan") == ["a"]


def test_a_search_asks_the_new_index_when_a_rebuild_removed_the_one_it_found(db, settings):
    """``usable`` answers the index's folder and the search passes it on, to save a
    statement; a rebuild in between (another process) removes that folder."""
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    found = textindex.usable()
    assert found is not None and found.is_dir()
    call_command("search_index", "--rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not found.exists()
    query, _vocab = engine.parse_query("taman", LibraryStats.current())
    ids = textindex.candidates(query, {}, 10, found)
    assert ids == [LibraryEntry.objects.get(source_id="a").pk]


def test_an_index_folder_gone_is_written_anew_not_searched_empty(db, settings, large):
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    current = (settings.LIBRARY_SEARCH_INDEX_DIR / textindex.POINTER).read_text()
    shutil.rmtree(settings.LIBRARY_SEARCH_INDEX_DIR / current)  # e.g. removed by hand
    assert not textindex.usable()
    assert [h.entry.source_id for h in engine.search("taman", semantic=False).hits] == ["a"]
    assert textindex.sync() == 1  # written anew from the database
    assert textindex.usable() and proposed("taman") == ["a"]


def test_an_index_written_from_another_database_is_not_asked(db, settings, large):
    """The same data folder used with another database (or a database restored or
    replaced): the index there describes other entries."""
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    assert textindex.usable()
    LibraryStats.objects.filter(pk=1).update(search_index="v1-dari-basis-data-lain")
    assert not textindex.usable()
    assert [h.entry.source_id for h in engine.search("taman", semantic=False).hits] == ["a"]
    assert textindex.sync() == 1  # written anew from this database; the old folder goes
    assert textindex.usable() and proposed("taman") == ["a"]
    folders = [p.name for p in settings.LIBRARY_SEARCH_INDEX_DIR.glob("v*-*")]
    assert folders == [LibraryStats.current().search_index]


def test_a_rebuild_that_fails_leaves_no_index_missing_changes(db, large, monkeypatch):
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    actions.import_entries(acting_user=ACTOR, rows=[row("b", name="Taman kota")])

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patched, pytest.raises(OSError):
        patched.setattr(textindex, "_document", full_disk)
        textindex.rebuild()
    assert not textindex.usable()  # not the old index, which never saw "b"
    found = {h.entry.source_id for h in engine.search("taman", semantic=False).hits}
    assert found == {"a", "b"}
    textindex.sync()
    assert sorted(proposed("taman")) == ["a", "b"]


def test_with_the_index_off_nothing_is_written(db, settings, large):
    settings.LIBRARY_SEARCH_INDEX = "off"
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    assert textindex.sync() == 0
    assert not textindex.usable()
    assert [h.entry.source_id for h in engine.search("taman", semantic=False).hits] == ["a"]
    assert not settings.LIBRARY_SEARCH_INDEX_DIR.exists()


def test_a_restore_has_the_index_written_anew(
    db, settings, large, monkeypatch, django_capture_on_commit_callbacks
):
    actions.import_entries(acting_user=ACTOR, rows=[row("a", name="Taman baca")])
    textindex.sync()
    assert textindex.usable()
    with django_capture_on_commit_callbacks(execute=False) as queued:
        restored.send(sender=None)  # what core/restore.py sends once a backup is in place
    assert queued == []  # the restored database is left as the backup had it
    assert not (settings.LIBRARY_SEARCH_INDEX_DIR / textindex.POINTER).exists()
    monkeypatch.setitem(textindex._queued, "at", -1e9)  # no sync queued by this process yet
    with django_capture_on_commit_callbacks(execute=False) as queued:
        assert not textindex.usable()  # the database's own index answers meanwhile
        hits = engine.search("taman", semantic=False).hits
    assert [h.entry.source_id for h in hits] == ["a"]
    assert len(queued) == 1  # the first search queued the sync that writes it anew
    textindex.sync()
    assert textindex.usable() and proposed("taman") == ["a"]


@pytest.fixture
def fed(monkeypatch, helper_processes):
    """Imports of a few rows are "large" (analysed in the helper, ``staging.HELPER_FROM``
    batches or more): they index their entries in the embedded index as they write them."""
    monkeypatch.setattr(actions, "BATCH", 2)


def index_size() -> int:
    return textindex.searcher().num_docs


def test_a_large_import_indexes_its_entries_as_it_writes_them(db, fed, helper_processes):
    rows = [row(f"r{i}", name=f"Layanan nomor {i}", problem="Antrean warga") for i in range(9)]
    rows[4] = row("r4", name="Akta kelahiran keliling", problem="Warga jauh dari kantor")
    actions.import_entries(acting_user=ACTOR, rows=rows)
    assert len(helper_processes) == 1  # the analysis, with the concept terms
    assert noted() == [] and index_size() == 9  # nothing left for a sync
    assert textindex.sync() == 0
    assert proposed("akta kelahiran") == ["r4"]

    # Imported again with another name: its document is replaced, not added.
    rows[4] = row("r4", name="Sampah pasar", problem="Sampah menumpuk di pasar")
    actions.import_entries(acting_user=ACTOR, rows=rows)
    assert noted() == [] and index_size() == 9
    assert proposed("akta kelahiran") == [] and proposed("sampah pasar") == ["r4"]


def test_a_large_import_leaves_noted_the_changes_of_others_in_its_batches(db, fed, monkeypatch):
    actions.import_entries(acting_user=ACTOR, rows=[row("lain", name="Taman baca")])
    textindex.sync()
    other = LibraryEntry.objects.get(source_id="lain").pk
    upsert = actions.bulk.upsert_entries

    def and_someone_else_writes(values, **kwargs):
        upsert(values, **kwargs)
        # Committed with the batch: a change of an entry the import does not write.
        LibraryEntry.objects.filter(pk=other).update(year=1999)

    monkeypatch.setattr(actions.bulk, "upsert_entries", and_someone_else_writes)
    actions.import_entries(
        acting_user=ACTOR, rows=[row(f"r{i}", name=f"Layanan {i}") for i in range(9)]
    )
    changes = noted()
    assert set(changes) == {other}
    assert proposed("taman baca", {"year": 1999}) == []  # not yet in the index
    assert textindex.sync() == len(changes)
    assert proposed("taman baca", {"year": 1999}) == ["lain"]


def test_a_large_import_that_fails_leaves_nothing_in_the_index(db, fed, monkeypatch):
    calls = []
    upsert = actions.bulk.upsert_entries

    def fails_at_the_third_batch(values, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError(28, "No space left on device")
        upsert(values, **kwargs)

    monkeypatch.setattr(actions.bulk, "upsert_entries", fails_at_the_third_batch)
    with pytest.raises(OSError):
        actions.import_entries(
            acting_user=ACTOR, rows=[row(f"r{i}", name=f"Akta {i}") for i in range(9)]
        )
    assert LibraryEntry.objects.count() == 0
    textindex.sync()
    assert index_size() == 0 and proposed("akta") == []


def test_an_index_that_cannot_be_committed_leaves_the_import_in_and_its_changes_noted(
    db, fed, monkeypatch, caplog
):
    def full_disk(*args):
        raise ValueError("No space left on device")

    monkeypatch.setattr(feed, "document_text", full_disk)
    actions.import_entries(
        acting_user=ACTOR, rows=[row(f"r{i}", name=f"Akta {i}") for i in range(9)]
    )
    assert LibraryEntry.objects.count() == 9
    assert len(noted()) == 9
    assert "not committed" in caplog.text
    monkeypatch.undo()
    assert textindex.sync() == 9 and index_size() == 9


def test_a_large_import_indexes_at_a_lower_priority_than_it_writes(db, fed, monkeypatch):
    """The documents are needed when the import commits, the helper's analysis before
    every batch: tantivy's indexing threads, started by the feed's thread, take on its
    lower priority."""
    import os

    seen = []
    after_batch = feed.Feed.after_batch

    def noting_priorities(self, *args):
        after_batch(self, *args)
        for task in os.listdir("/proc/self/task"):
            try:
                with open(f"/proc/self/task/{task}/stat") as stat:
                    line = stat.read()
            except FileNotFoundError:  # a thread that ended since the listing
                continue
            if "tantivy-in" in line[line.index("(") : line.index(")")]:
                seen.append(int(line[line.index(")") + 2 :].split()[16]))

    monkeypatch.setattr(feed.Feed, "after_batch", noting_priorities)
    actions.import_entries(
        acting_user=ACTOR, rows=[row(f"r{i}", name=f"Layanan {i}") for i in range(9)]
    )
    own = os.getpriority(os.PRIO_PROCESS, 0)
    assert seen and set(seen) == {min(own + feed.Feed.NICE, 19)}


def test_an_index_fed_by_an_import_proposes_what_a_rebuilt_one_does(db, fed, monkeypatch, large):
    """The 288 real records imported in batches analysed by the helper: the index the
    import fed proposes, for the dev queries, exactly what an index rebuilt from the
    database proposes."""
    import json
    from pathlib import Path

    from labinov.library.exchange import read_file
    from tests.library.conftest import REAL

    monkeypatch.setattr(actions, "BATCH", 50)
    with REAL.open("rb") as stream:
        rows = [found for _n, found in read_file(stream, REAL.name).rows]
    actions.import_entries(acting_user=ACTOR, rows=rows)
    assert noted() == [] and index_size() == len(rows)
    lines = (Path(__file__).parents[2] / "bench/data/queries.jsonl").read_text().splitlines()
    queries = [json.loads(line)["query"] for line in lines if line.strip()][:15]
    fed_proposals = {q: proposed(q, limit=30) for q in queries}
    assert textindex.rebuild() == len(rows)
    assert {q: proposed(q, limit=30) for q in queries} == fed_proposals
    assert all(fed_proposals.values())
