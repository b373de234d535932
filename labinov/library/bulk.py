"""How a batch of knowledge-base rows reaches the database, fast, on each backend.

Only ``actions`` calls these, inside its transaction; they write and check nothing else.
Raw SQL on purpose: the ORM's ``bulk_create`` spends more time building SQL than the
database spends writing, and cannot update the search-term counts in the same statement.

- SQLite runs in the process: ``executemany`` of an upsert costs little per row.
- PostgreSQL answers each statement over the connection: a batch goes in by ``COPY`` into a
  temporary table and one ``INSERT … SELECT … ON CONFLICT``, and term counts as arrays in
  one statement (about twice as fast as ``executemany``, see docs/benchmarks.md).
"""

import contextlib
import functools
import json
from collections.abc import Iterator, Sequence

from django.db import IntegrityError, connection, transaction
from psycopg.adapt import Dumper
from psycopg.postgres import types as postgres_types
from psycopg.pq import Format

from labinov.library.exchange import COLUMNS
from labinov.library.models import ImportUndo, LibraryEntry, LibraryTerm, LibraryWord

#: The columns of the rows given to ``upsert_entries``, in order.
ENTRY_COLUMNS = [
    "source",
    *COLUMNS,
    "index_name",
    "index_main",
    "index_rest",
    "created_at",
    "updated_at",
    "replication_count",
]
#: What a re-imported row changes (its source, id, creation time and count of
#: replications stay).
UPDATED_COLUMNS = [
    c for c in ENTRY_COLUMNS if c not in ("source", "source_id", "created_at", "replication_count")
]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _upsert_tail(vectors: bool = False) -> str:
    updated = [*UPDATED_COLUMNS, "search_vector"] if vectors else UPDATED_COLUMNS
    updates = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in updated)
    return f"ON CONFLICT ({_q('source')}, {_q('source_id')}) DO UPDATE SET {updates}"


#: SQLite settings of the connection while it writes an import's batches (``many_writes``).
#: A page cache of 64 MB instead of 2 MB keeps the upper pages of the entry table's six
#: B-trees and of the FTS5 index at hand as they grow; the write-ahead log is copied back
#: into the database every 20,000 pages (80 MB) instead of every 1,000, so that a page
#: written by several batches is copied back once. 1,000,000 rows: 115.3 -> 106.8 s.
#:
#: Temporary files in memory (``temp_store`` 2): each row's upsert is a statement that
#: may write several rows (its triggers) and may fail midway, so SQLite first copies the
#: pages it changes to a statement journal, to undo the statement alone. Past 64 KB that
#: journal went to a temporary file, two system calls a page (30,000 copies rows: 506,000
#: of the import's 582,000 ``pwrite`` calls, 0.8 GB). In memory it is a copy and no call.
#: A journal holds one statement's pages (a row's upsert, a batch's FTS5 insert) and is
#: emptied after it; the setting also keeps the connection's temporary tables in memory,
#: and an import's batches make none (changing it drops any).
SQLITE_MANY_WRITES = {"cache_size": -65536, "wal_autocheckpoint": 20000, "temp_store": 2}
#: FTS5 merges the segments of a level of its index once the level holds this many
#: (its ``automerge``), 4 by default. Each batch of an import adds a segment; merged 16 at
#: a time instead of 4, a term's entries are copied into a larger segment half as often.
#: Writing the FTS5 index of 1,000,000 copies rows in batches of 2,000: 18.4-18.5 s of CPU
#: with 4, 12.8-13.3 s with 16 (``bench/fts5_merge.py``, docs/benchmarks.md). Unlike the
#: pragmas it is a setting of the table, not of the connection: other writers meanwhile
#: merge 16 at a time too, and an import killed before giving it back leaves 16, which
#: only changes when merges happen.
SQLITE_FTS5_AUTOMERGE = 16
SQLITE_FTS5_DEFAULT_AUTOMERGE = 4


def fts5_automerge() -> int:
    """The FTS5 index's ``automerge`` (SQLite)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT v FROM library_fts_config WHERE k = 'automerge'")
        found = cursor.fetchone()
    return int(found[0]) if found else SQLITE_FTS5_DEFAULT_AUTOMERGE


def _set_fts5_automerge(value: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO library_fts(library_fts, rank) VALUES ('automerge', %s)", [value]
        )


@contextlib.contextmanager
def many_writes() -> Iterator[None]:
    """Tune the connection and the FTS5 index for the many batch transactions of an
    import (SQLite only), and give them back their settings afterwards. Meant for outside
    a transaction; inside one (an import that is part of a larger change, as the demo's),
    where temporary files go stays as it is: SQLite changes that only between
    transactions."""
    if connection.vendor != "sqlite":
        yield
        return
    settings = SQLITE_MANY_WRITES
    if connection.in_atomic_block:
        settings = {name: v for name, v in settings.items() if name != "temp_store"}
    with connection.cursor() as cursor:
        before = {}
        for name, value in settings.items():
            cursor.execute(f"PRAGMA {name}")
            before[name] = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA {name} = {int(value)}")
    automerge = fts5_automerge()
    _set_fts5_automerge(SQLITE_FTS5_AUTOMERGE)
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, value in before.items():
                cursor.execute(f"PRAGMA {name} = {int(value)}")
        if not connection.needs_rollback:
            _set_fts5_automerge(automerge)


def commit_without_waiting() -> None:
    """PostgreSQL: let the current transaction's commit return before its log is flushed to
    disk (``synchronous_commit`` off, for this transaction only).

    For an import's batches: a crash right after may lose the last of them, never leave
    one half-written, and an import is kept only once its last transaction, committed
    the normal way, is on disk, which flushes every batch before it; an import cut short
    is undone (``undo``). Each batch's commit otherwise waited for the disk: 0.9 s of an
    import of 100,000 rows, in 50 commits."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def existing_index_texts(
    source: str, source_ids: list[str]
) -> dict[str, tuple[int, str, str, str]]:
    """The id and three index texts of the entries of ``source`` already holding these
    ids (``by_source_id``)."""
    return by_source_id(source, source_ids, "id, index_name, index_main, index_rest")


def entry_ids(source: str, source_ids: list[str]) -> dict[str, int]:
    """The ids of the entries of ``source`` holding these ids."""
    return {source_id: found[0] for source_id, found in by_source_id(source, source_ids).items()}


def by_source_id(source: str, source_ids: list[str], columns: str = "id") -> dict[str, tuple]:
    """``columns`` of the entries of ``source`` holding these ids, by source_id.

    On PostgreSQL the ids go in as an array, matched pairwise: during a long import the
    planner's statistics still describe the table as it was before, and for
    ``source = … AND source_id IN (…)`` it then read every entry of the source on each
    batch; this shape probes the unique index once per id (EXPLAIN ANALYZE of a batch of
    2,000 among 130,000 entries: 54 ms before, 5 ms now).

    On SQLite the ids go in as one JSON array (``json_each``): the ORM's ``__in`` of 2,000
    values spent more time preparing its parameters than SQLite spent answering (0.7 s
    of an import of 100,000 new rows)."""
    table = _q(LibraryEntry._meta.db_table)
    if connection.vendor == "postgresql":
        ids = "SELECT %s, unnest(%s::varchar[])"
    else:
        ids = "SELECT %s, value FROM json_each(%s)"
        source_ids = json.dumps(source_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT source_id, {columns} FROM {table} WHERE (source, source_id) IN ({ids})",
            [source, source_ids],
        )
        return {sid: tuple(rest) for sid, *rest in cursor.fetchall()}


def upsert_entries(values: list[tuple], *, new: bool = False, vectors: bool = False) -> None:
    """Insert or update (by source and source_id) rows of ``ENTRY_COLUMNS``, followed by
    their ``search_vector`` if ``vectors`` (PostgreSQL; a None vector is computed by the
    database, see ``index.search_vector``).

    ``new``: the rows were not in the table when the batch looked (``existing_index_texts``).
    PostgreSQL then copies them straight into the table, without the temporary table and
    the ``INSERT … SELECT`` (1,420 → 1,542 rows/s importing 30,000 "copies" rows on a
    loaded machine, docs/benchmarks.md); if one was created meanwhile by someone else,
    the copy fails on the unique index, is rolled back to its savepoint, and the rows are
    upserted instead."""
    table = _q(LibraryEntry._meta.db_table)
    columns = ", ".join(_q(c) for c in [*ENTRY_COLUMNS, *(["search_vector"] if vectors else [])])
    if new and values and connection.vendor == "postgresql":
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                _copy(cursor.cursor, table, columns, values, vectors)
            return
        except (IntegrityError, connection.Database.IntegrityError):  # psycopg's own, by COPY
            pass  # created meanwhile: upsert them
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.executemany(
                f"INSERT INTO {table} ({columns}) "
                f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))}) {_upsert_tail()}",
                values,
            )
            return
        raw = cursor.cursor  # psycopg's own cursor, for COPY
        raw.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS library_staging ON COMMIT DROP AS "
            f"SELECT {columns} FROM {table} WITH NO DATA"
        )
        raw.execute("TRUNCATE library_staging")
        _copy(raw, "library_staging", columns, values, vectors)
        raw.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM library_staging "
            f"{_upsert_tail(vectors)}"
        )


class _VectorDumper(Dumper):
    """A ``search_vector`` as ``index.search_vector`` gives it, already in PostgreSQL's
    binary form: passed through as it is."""

    format = Format.BINARY
    oid = postgres_types["tsvector"].oid

    def dump(self, obj: bytes) -> bytes:
        return obj


def _copy(raw, table: str, columns: str, values: list[tuple], vectors: bool) -> None:
    """``COPY`` rows of ``ENTRY_COLUMNS`` (and their ``search_vector`` if ``vectors``)
    into ``table`` with psycopg's own cursor ``raw``, in PostgreSQL's binary form: the
    server then parses no text, the ``tsvector`` least of all (100,000 rows copied:
    salad 4.3 s as text, 3.3 s in binary; copies 10.5 s, 8.5 s), and psycopg formats
    less (0.7 s, 0.3 s; docs/benchmarks.md)."""
    raw.adapters.register_dumper(None, _VectorDumper)  # by type: COPY's set_types
    with raw.copy(f"COPY {table} ({columns}) FROM STDIN (FORMAT BINARY)") as copy:
        copy.set_types([*_entry_types(), *(["tsvector"] if vectors else [])])
        for row in values:
            copy.write_row(row)


@functools.cache
def _entry_types() -> list[str]:
    """PostgreSQL's type of each of ``ENTRY_COLUMNS`` ("varchar", "smallint", ...)."""
    fields = [LibraryEntry._meta.get_field(c) for c in ENTRY_COLUMNS]
    return [field.db_type(connection).split("(")[0] for field in fields]


def add_term_counts(changes: dict[str, int]) -> None:
    """Add to each term's count of entries (creating the terms new to the index)."""
    changes = {term[:100]: n for term, n in changes.items() if n}
    if not changes:
        return
    table = _q(LibraryTerm._meta.db_table)
    tail = f"ON CONFLICT (term) DO UPDATE SET df = {table}.df + excluded.df"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (term, df) "
                f"SELECT * FROM unnest(%s::varchar[], %s::int[]) {tail}",
                [list(changes), list(changes.values())],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (term, df) VALUES (%s, %s) {tail}", list(changes.items())
            )


def add_words(words: dict[str, str]) -> None:
    """Record words as written with their stems (those already known stay as they are)."""
    if not words:
        return
    table = _q(LibraryWord._meta.db_table)
    pairs = [(word, stem[:100]) for word, stem in words.items()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (word, stem) "
                "SELECT * FROM unnest(%s::varchar[], %s::varchar[]) "
                "ON CONFLICT (word) DO NOTHING",
                [[w for w, _s in pairs], [s for _w, s in pairs]],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (word, stem) VALUES (%s, %s) ON CONFLICT (word) DO NOTHING",
                pairs,
            )


def add_undo(
    run_id: int, rows: list[tuple[str, str, str]], *, source: str = "", created: Sequence[str] = ()
) -> None:
    """Record how to undo a batch of an import (see ``undo``): ``rows`` of the entries it
    changes (source, source_id, the entry's fields before as JSON), and in one row the
    ``source_id``s of ``source`` it creates."""
    if created:
        ImportUndo.objects.create(run_id=run_id, source=source, created=list(created))
    if not rows:
        return
    table = _q(ImportUndo._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"INSERT INTO {table} (run_id, source, source_id, previous) "
                "SELECT %s, s, i, p::jsonb FROM unnest(%s::varchar[], %s::varchar[], %s::text[]) "
                "AS u(s, i, p)",
                [run_id, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (run_id, source, source_id, previous) "
                "VALUES (%s, %s, %s, %s)",
                [(run_id, *row) for row in rows],
            )
