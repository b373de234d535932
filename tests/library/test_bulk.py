"""How an import writes fast without writing anything else: a batch of rows taken for new
(``bulk.upsert_entries(new=True)``) is copied straight into the table on PostgreSQL, and
one that someone else created in the meantime must be updated, never duplicated nor make
the batch fail; the import's one-pass analysis stores what the analysis gives."""

import contextlib
import json
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from labinov.core.system import SystemActor
from labinov.library import actions, bulk
from labinov.library.exchange import COLUMNS
from labinov.library.models import LibraryEntry, SearchChange
from labinov.library.search import index

pytestmark = pytest.mark.django_db


def values(source_id: str, name: str) -> tuple:
    row = dict.fromkeys(COLUMNS, "")
    row.update(source_id=source_id, name=name, region="Kota Bandung", year=None, digital=None)
    name_text, main_text, rest_text, _written = index.index_texts(row)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return (
        LibraryEntry.Source.IMPORTED,
        *(row[c] for c in COLUMNS),
        name_text,
        main_text,
        rest_text,
        now,
        now,
        0,
    )


def test_rows_taken_for_new_are_inserted():
    with transaction.atomic():
        bulk.upsert_entries(
            [values("baru-1", "Layanan antrean daring"), values("baru-2", "Posyandu")],
            new=True,
        )
    entry = LibraryEntry.objects.get(source_id="baru-1")
    assert entry.name == "Layanan antrean daring"
    assert entry.index_name == "layan antre daring"
    assert LibraryEntry.objects.count() == 2
    # The copy is noted for the embedded search index like any insert (statement trigger).
    noted = set(SearchChange.objects.values_list("entry_id", flat=True))
    assert noted == set(LibraryEntry.objects.values_list("pk", flat=True))


def test_a_row_created_meanwhile_is_updated_not_duplicated():
    actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[{"source_id": "ada-1", "name": "Nama lama", "region": "Kota Bandung"}],
    )
    with transaction.atomic():
        bulk.upsert_entries(
            [values("ada-1", "Nama baru"), values("baru-3", "Posyandu keliling")], new=True
        )
    assert LibraryEntry.objects.get(source_id="ada-1").name == "Nama baru"
    assert LibraryEntry.objects.filter(source_id="ada-1").count() == 1
    assert LibraryEntry.objects.get(source_id="baru-3").name == "Posyandu keliling"


def test_an_import_stores_the_index_texts_of_the_analysis():
    """The import's one-pass analysis (``index_texts``) gives the terms of ``analyse``,
    joined by single spaces, for every real record (stop words, hyphenated words and
    reduplications included)."""
    path = Path(index.__file__).resolve().parent.parent / "data" / "innovations.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records.append({"name": "Kampung-kampung e-KTP dan yang rawat-jalan", "problem": "—"})
    for record in records:
        analysed = index.analyse(record)
        assert index.index_texts(record) == (
            " ".join(analysed.name),
            " ".join(analysed.main),
            " ".join(analysed.rest),
            analysed.written,
        )


def test_the_entries_already_there_are_found_by_source_and_id():
    """The ids go to the database as one array (PostgreSQL) or one JSON text (SQLite):
    ids with quotes, brackets and non-ASCII letters are matched as written, and an entry
    of another source with the same id is not taken for one of this source."""
    odd = ['kutip "ganda" [1]', "garis\\miring", "Nagari Sungai Pua — ékspres", "biasa"]
    actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[{"source_id": sid, "name": f"Inovasi {sid}", "region": "Kab. Agam"} for sid in odd],
    )
    actions.upsert_entry(
        acting_user=SystemActor("test"),
        source=LibraryEntry.Source.LOCAL,
        source_id="lokal",
        name="Inovasi lokal",
        region="Kab. Agam",
    )
    found = bulk.existing_index_texts(LibraryEntry.Source.IMPORTED, [*odd, "lokal", "tidak-ada"])
    assert set(found) == set(odd)
    entry = LibraryEntry.objects.get(source_id=odd[0])
    assert found[odd[0]] == (entry.pk, entry.index_name, entry.index_main, entry.index_rest)
    assert bulk.existing_index_texts(LibraryEntry.Source.LOCAL, [*odd, "lokal"]).keys() == {"lokal"}


def test_a_finished_import_forgets_its_undo_rows_and_no_others(monkeypatch):
    """The undo rows go a batch per transaction (here 3), and only the import's own: those
    of another import, finished but not yet cleaned up, stay for its own clean-up."""
    from labinov.library import undo
    from labinov.library.models import ImportUndo, ImportWriting

    # A finished import whose clean-up has not come yet (imports write one at a time).
    other = ImportWriting.objects.create(heartbeat_at=timezone.now(), finished=True)
    ImportUndo.objects.bulk_create(
        ImportUndo(run=other, source="impor", source_id=f"lain-{i}") for i in range(5)
    )
    monkeypatch.setattr(undo, "UNDO_BATCH", 3)
    monkeypatch.setattr(actions, "BATCH", 4)
    actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[
            {"source_id": f"baru-{i}", "name": "Posyandu", "region": "Kab. Agam"} for i in range(10)
        ],
    )
    assert LibraryEntry.objects.count() == 10
    assert list(ImportWriting.objects.all()) == [other]
    assert ImportUndo.objects.filter(run=other).count() == 5
    assert ImportUndo.objects.count() == 5


def _rows(*ids, name="Posyandu"):
    return [{"source_id": i, "name": name, "region": "Kab. Agam"} for i in ids]


def test_a_batch_notes_the_entries_it_creates_in_one_row_and_each_it_changes(monkeypatch):
    """How an import can be undone, as its batches note it: one row of the ids each batch
    creates, one row per entry it changes with that entry as it was; a failure before the
    end puts every entry back as it was."""
    from labinov.library import undo
    from labinov.library.models import ImportUndo

    actor = SystemActor("test")
    actions.import_entries(acting_user=actor, rows=_rows("lama-1", "lama-2", name="Taman baca"))
    monkeypatch.setattr(actions, "BATCH", 4)
    noted = []

    def finish_then_fail(run):
        noted.extend(ImportUndo.objects.filter(run=run).order_by("pk"))
        raise RuntimeError("disk full")

    monkeypatch.setattr(undo, "finish", finish_then_fail)
    with pytest.raises(RuntimeError):
        actions.import_entries(
            acting_user=actor, rows=_rows("lama-1", *(f"baru-{i}" for i in range(8)), "lama-2")
        )
    assert [
        (u.source_id, u.created, u.previous["name"] if u.previous else None) for u in noted
    ] == [
        ("", ["baru-0", "baru-1", "baru-2"], None),
        ("lama-1", None, "Taman baca"),
        ("", ["baru-3", "baru-4", "baru-5", "baru-6"], None),
        ("", ["baru-7"], None),
        ("lama-2", None, "Taman baca"),
    ]
    assert dict(LibraryEntry.objects.values_list("source_id", "name")) == {
        "lama-1": "Taman baca",
        "lama-2": "Taman baca",
    }
    assert not ImportUndo.objects.exists()


def test_a_dead_import_noted_a_row_per_created_entry_is_undone_too():
    """An import that died before the created entries were noted per batch left one row
    per created entry (``previous`` None, no ``created``): the next import undoes it."""
    from datetime import timedelta

    from labinov.library import undo
    from labinov.library.models import ImportUndo, ImportWriting

    actions.import_entries(acting_user=SystemActor("test"), rows=_rows("mati-1", "mati-2", "tetap"))
    dead = ImportWriting.objects.create(heartbeat_at=timezone.now() - undo.STALE - timedelta(1))
    ImportUndo.objects.bulk_create(
        ImportUndo(run=dead, source=LibraryEntry.Source.IMPORTED, source_id=i)
        for i in ("mati-1", "mati-2")
    )
    undo.recover()
    assert list(LibraryEntry.objects.values_list("source_id", flat=True)) == ["tetap"]
    assert not ImportUndo.objects.exists() and not ImportWriting.objects.exists()


def test_term_counts_and_lengths_always_equal_a_recount_of_the_entries(monkeypatch):
    """Whatever a batch holds (new entries, entries changed, unchanged, an id given twice),
    each term's count of entries and the fields' lengths equal a recount of the entries."""
    from collections import Counter

    from labinov.library.models import LibraryStats, LibraryTerm

    def recount():
        df, lengths = Counter(), [0, 0, 0]
        for texts in LibraryEntry.objects.values_list("index_name", "index_main", "index_rest"):
            fields = [t.split() for t in texts]
            df.update(set().union(*fields))
            for i in range(3):
                lengths[i] += len(fields[i])
        return {t: n for t, n in df.items() if n}, lengths

    def counted():
        stats = LibraryStats.current()
        df = dict(LibraryTerm.objects.filter(df__gt=0).values_list("term", "df"))
        return df, [stats.name_length, stats.main_length, stats.rest_length]

    actor = SystemActor("test")
    monkeypatch.setattr(actions, "BATCH", 3)

    def entry(source_id, name, problem):
        return {"source_id": source_id, "name": name, "region": "Kab. Agam", "problem": problem}

    actions.import_entries(
        acting_user=actor,
        rows=[
            entry("a", "Bank sampah", "sampah menumpuk di pasar"),
            entry("b", "Posyandu keliling", "balita jauh dari posyandu"),
            entry("c", "Taman baca", "anak jarang membaca"),
        ],
    )
    assert counted() == recount()
    actions.import_entries(
        acting_user=actor,
        rows=[
            entry("a", "Bank sampah pasar", "banjir merendam pasar"),  # changed
            entry("b", "Posyandu keliling", "balita jauh dari posyandu"),  # unchanged
            entry("d", "Lapak", "pedagang kaki lima"),  # new
            entry("e", "Sekolah", "anak putus sekolah"),  # given twice in one batch:
            entry("e", "Sekolah rakyat", "anak putus sekolah di desa"),  # the last counts
        ],
    )
    assert counted() == recount()
    assert LibraryTerm.objects.get(term="banjir").df == 1
    assert LibraryEntry.objects.get(source_id="e").name == "Sekolah rakyat"


def test_the_entry_table_keeps_no_pattern_index_to_upkeep():
    """PostgreSQL: no ``varchar_pattern_ops`` twin of the region, province and sector
    indexes (migration 0009); their plain indexes stay for filtering and counting."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no operator classes: Django creates no pattern indexes there")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE tablename = 'library_libraryentry'")
        definitions = [d for (d,) in cursor.fetchall()]
    assert not [d for d in definitions if "pattern_ops" in d]
    for column in ("region", "province", "sector"):
        assert [d for d in definitions if d.endswith(f"btree ({column})")]


@pytest.mark.django_db(transaction=True)
def test_a_batch_commits_without_waiting_for_the_disk_and_nothing_after_it_does():
    """PostgreSQL: an import's batch transaction turns off ``synchronous_commit`` for
    itself only; the next transaction on the same connection (the import's last one, or
    anyone's) commits the normal way, waiting until it is on disk."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite commits to its write-ahead log without syncing it (synchronous=NORMAL)")

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    with transaction.atomic():
        bulk.commit_without_waiting()
        assert synchronous_commit() == "off"
    assert synchronous_commit() == "on"
    with transaction.atomic():
        assert synchronous_commit() == "on"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("inside_a_transaction", [False, True])
def test_an_import_writes_with_a_larger_cache_and_gives_the_settings_back(
    monkeypatch, inside_a_transaction
):
    """SQLite: the batches are written with ``bulk.SQLITE_MANY_WRITES`` (temporary files
    in memory among them) and the FTS5 index merging ``bulk.SQLITE_FTS5_AUTOMERGE``
    segments at a time; afterwards the connection and the index have their own settings
    again, for whatever comes next. An import inside a larger transaction (the demo's)
    gets the others: SQLite moves its temporary files only between transactions."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's server keeps its own cache: nothing to tune per connection")

    def pragmas() -> dict:
        with connection.cursor() as cursor:
            found = {}
            for name in bulk.SQLITE_MANY_WRITES:
                cursor.execute(f"PRAGMA {name}")
                found[name] = cursor.fetchone()[0]
        found["automerge"] = bulk.fts5_automerge()
        return found

    before = pragmas()
    assert before["automerge"] == bulk.SQLITE_FTS5_DEFAULT_AUTOMERGE
    assert {n: before[n] for n in bulk.SQLITE_MANY_WRITES} != bulk.SQLITE_MANY_WRITES
    seen = []
    write_batch = actions._write_batch

    def noting(*args, **kwargs):
        seen.append(pragmas())
        return write_batch(*args, **kwargs)

    monkeypatch.setattr(actions, "_write_batch", noting)
    monkeypatch.setattr(actions, "BATCH", 2)
    with transaction.atomic() if inside_a_transaction else contextlib.nullcontext():
        actions.import_entries(
            acting_user=SystemActor("test"),
            rows=[
                {"source_id": f"b-{i}", "name": "Posyandu", "region": "Kab. Agam"} for i in range(5)
            ],
        )
    expected = {**bulk.SQLITE_MANY_WRITES, "automerge": bulk.SQLITE_FTS5_AUTOMERGE}
    if inside_a_transaction:
        expected["temp_store"] = before["temp_store"]
    assert seen == [expected] * 3
    assert LibraryEntry.objects.filter(source_id__startswith="b-").count() == 5
    assert pragmas() == before


def test_a_staging_file_that_cannot_be_written_stops_the_import_before_any_writing(
    monkeypatch,
):
    """The checked batches are written to the staging file by a thread of their own; when
    the disk is full, the import fails with that error and has written nothing to the
    database."""
    import errno
    import os
    import tempfile

    from labinov.library import staging
    from labinov.library.models import ImportWriting

    temporary_file, pwrite = tempfile.TemporaryFile, os.pwrite
    staging_files = set()

    def staging_file(*args, **kwargs):
        file = temporary_file(*args, **kwargs)
        staging_files.add(file.fileno())
        return file

    def full_disk(fd, data, offset):
        """The staging file is on a disk with room for 100 bytes."""
        if fd in staging_files and offset + len(data) > 100:
            raise OSError(errno.ENOSPC, "No space left on device")
        return pwrite(fd, data, offset)

    monkeypatch.setattr(staging.tempfile, "TemporaryFile", staging_file)
    monkeypatch.setattr(staging.os, "pwrite", full_disk)
    monkeypatch.setattr(actions, "BATCH", 2)
    rows = [{"source_id": f"p-{i}", "name": "Posyandu", "region": "Kab. Agam"} for i in range(40)]
    with pytest.raises(OSError, match="No space left"):
        actions.import_entries(acting_user=SystemActor("test"), rows=rows)
    assert not LibraryEntry.objects.exists()
    assert not ImportWriting.objects.exists()


# The helper as it runs, on a disk that takes no more than 1,000 bytes of a file.
HELPER_ON_A_FULL_DISK = """
import resource, runpy, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))
runpy.run_module("labinov.library.helper", run_name="__main__")
"""


def test_a_helper_that_cannot_write_its_analysed_batches_fails_the_import_with_that_error(
    monkeypatch, helper_processes
):
    """From ``staging.HELPER_FROM`` batches the helper analyses the staged rows into a
    file of its own. When it cannot write there, the import fails with the helper's
    error, as if met here, and nothing is imported."""
    import errno
    import sys

    from labinov.library import helper, staging
    from labinov.library.models import ImportUndo, ImportWriting

    monkeypatch.setattr(staging, "HELPER_FROM", 1)
    monkeypatch.setattr(helper, "_command", lambda: [sys.executable, "-c", HELPER_ON_A_FULL_DISK])
    monkeypatch.setattr(actions, "BATCH", 20)
    rows = [{"source_id": f"p-{i}", "name": "Posyandu", "region": "Kab. Agam"} for i in range(60)]
    with pytest.raises(OSError) as failure:
        actions.import_entries(acting_user=SystemActor("test"), rows=rows)
    assert failure.value.errno == errno.EFBIG
    assert len(helper_processes) == 1
    assert not LibraryEntry.objects.exists()
    assert not ImportWriting.objects.exists() and not ImportUndo.objects.exists()


def test_the_helper_analyses_the_staged_batches_while_the_rows_after_are_still_read(
    monkeypatch, helper_processes
):
    """The helper starts at the ``HELPER_FROM``-th staged batch, before the last row is
    read, and what is imported is what this process's analysis gives."""
    from labinov.library import staging

    monkeypatch.setattr(staging, "HELPER_FROM", 2)
    monkeypatch.setattr(actions, "BATCH", 3)
    helpers_while_reading = []

    def rows():
        for i in range(30):
            helpers_while_reading.append(len(helper_processes))
            yield {"source_id": f"p-{i}", "name": f"Posyandu keliling {i}", "region": "Kab. Agam"}

    actions.import_entries(acting_user=SystemActor("test"), rows=rows())
    assert helpers_while_reading[0] == 0 and helpers_while_reading[-1] == 1
    assert {e.source_id: e.index_name for e in LibraryEntry.objects.all()} == {
        f"p-{i}": index.index_texts({"name": f"Posyandu keliling {i}"})[0] for i in range(30)
    }


def test_the_helper_analyses_at_a_lower_priority_than_the_import(monkeypatch, helper_processes):
    """While the rows are read, checked and written, the helper takes only the CPU the
    importing process and the database leave: its priority is ``HELPER_NICE`` lower."""
    import os
    import time

    from labinov.library import staging

    monkeypatch.setattr(staging, "HELPER_FROM", 1)
    monkeypatch.setattr(actions, "BATCH", 3)
    own = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []

    def rows():
        for i in range(30):
            if helper_processes and not seen:
                pid, deadline = helper_processes[0].pid, time.monotonic() + 30
                # It lowers its priority as it starts: wait for it to have started.
                while os.getpriority(os.PRIO_PROCESS, pid) == own and time.monotonic() < deadline:
                    time.sleep(0.01)
                seen.append(os.getpriority(os.PRIO_PROCESS, pid))
            yield {"source_id": f"p-{i}", "name": "Posyandu", "region": "Kab. Agam"}

    actions.import_entries(acting_user=SystemActor("test"), rows=rows())
    assert seen == [min(own + staging.HELPER_NICE, 19)]
    assert LibraryEntry.objects.count() == 30
