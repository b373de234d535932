"""An embedded inverted index (tantivy) beside the database, for the candidates of a large
knowledge base.

The database stays the source of truth. This index holds, per entry, its analysed terms
(``index_name``/``index_main``/``index_rest``) with their concept terms (``_clauses``,
``analysis.concept_terms``) and the values the search filters on, and only ever
*proposes* entries: the engine reads the proposed entries' terms from the
database and scores them itself (``ranking.score``), so an entry the index still holds
after it was deleted, or holds in an older version, is dropped or scored as it now is.

Keeping it current, whatever writes the entries (imports, forms, the API, a harvest, the
undo of an import, SQL by hand): triggers on the entry table (migration 0008) note the id
of every inserted, updated or deleted entry in ``library_searchchange``, in the writing
transaction itself. ``sync`` reads the noted changes, indexes those entries as the
database holds them (or deletes them), commits the index, and only then deletes the
changes it applied: a process that stops in between leaves them noted, and they are
applied again (applying one twice gives the same index). Changes committed late (a long
transaction) are still noted when it commits and are applied by the next sync. A large
import indexes its own entries as it writes them (``feed``) and forgets their changes
once the index has committed them.

Several processes share one index folder (``LIBRARY_SEARCH_INDEX_DIR``, in the data
folder): one writes at a time (a lock file); each reopens its reader when the index or
its pointer file changed. The engine asks the index only when nothing is left to apply
(``usable``): a search answers exactly what the database holds at that moment. A few
pending changes are applied by the search itself; many (a large import still being
written) leave the search to the database's own full-text index until the import's sync.

``rebuild`` writes a new index from all entries into a new folder and switches the
pointer (``labinov search-index --rebuild``); the old folder is removed.
"""

import contextlib
import fcntl
import logging
import math
import os
import shutil
import threading
import time
import uuid
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from labinov.library import helper
from labinov.library.filtersets import FILTER_FIELDS
from labinov.library.models import LibraryStats
from labinov.library.search import analysis, ranking
from labinov.library.search.index import filter_text

logger = logging.getLogger(__name__)

#: Changes a search may apply itself before asking the index; beyond, it asks the
#: database and leaves them to the import's sync or ``labinov search-index``.
INLINE_SYNC = 500
#: Changes applied per index commit.
SYNC_BATCH = 20_000
#: Field weights as repetitions of the field in one indexed text (BM25F approximated by
#: BM25 on a document where a name counts 6 times, problem and solution twice, the rest
#: once: ``ranking.FIELD_WEIGHTS`` 3 : 1 : 0.5).
REPEAT = (6, 2, 1)
WRITER_HEAP = 64_000_000
POINTER = "CURRENT"
LOCK = "write.lock"
#: The index's layout; with the lexicon's fingerprint it begins the folder's name, and an
#: index of another layout or lexicon is written anew (``_current_path``). 2: concept terms.
VERSION = "2"
#: Begins a concept term (``analysis.concept_terms``): no analysed term holds "_".
CONCEPT = "c_"


def enabled() -> bool:
    return settings.LIBRARY_SEARCH_INDEX != "off"


def folder() -> Path:
    return Path(settings.LIBRARY_SEARCH_INDEX_DIR)


def _tantivy():
    import tantivy

    return tantivy


def _schema():
    tantivy = _tantivy()
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("pk", stored=True, indexed=True, fast=True)
    builder.add_text_field("terms", tokenizer_name="labinov_terms", index_option="freq")
    for name in FILTER_FIELDS:
        builder.add_text_field(f"f_{name}", tokenizer_name="raw", index_option="basic")
    return builder.build()


_FILTER_KEYS = tuple(f"f_{name}" for name in FILTER_FIELDS)


def _open(path: Path):
    tantivy = _tantivy()
    index = tantivy.Index(_schema(), path=str(path), reuse=True)
    index.register_tokenizer(
        "labinov_terms", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
    )
    return index


class _Reader:
    """This process's open index, reopened when another process committed or rebuilt."""

    lock = threading.Lock()
    path: Path | None = None
    index = None
    stamp: tuple | None = None


def _current_path(root: Path) -> Path | None:
    """The folder of the current index; None when there is none, when its folder is gone
    or holds no committed index, or when it was not written from this database (a data
    folder used with another database, a database restored or replaced): the next sync
    then writes a new one, rather than searches asking an empty or a foreign index."""
    try:
        name = (root / POINTER).read_text().strip()
    except FileNotFoundError:
        return None
    if not name.startswith(_prefix()) or not (root / name / "meta.json").is_file():
        return None
    # Asked on every search: one plain statement, without the ORM's query building.
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT 1 FROM {LibraryStats._meta.db_table} WHERE id = 1 AND search_index = %s",
            [name],
        )
        written_from_here = cursor.fetchone() is not None
    return root / name if written_from_here else None


def _stamp(path: Path) -> tuple:
    meta = path / "meta.json"
    try:
        stat = meta.stat()
    except FileNotFoundError:
        return (str(path), 0)
    return (str(path), stat.st_mtime_ns, stat.st_size)


def searcher(path: Path | None = None):
    """A searcher of the committed index, or None when there is none yet. ``path``: the
    index's folder as ``usable`` just found it (saves asking the database again), unless
    a rebuild has removed it since."""
    if path is None or not (path / "meta.json").is_file():
        path = _current_path(folder())
    if path is None:
        return None
    stamp = _stamp(path)
    with _Reader.lock:
        if _Reader.path != path:
            _Reader.index, _Reader.path, _Reader.stamp = _open(path), path, None
        if _Reader.stamp != stamp:
            _Reader.index.reload()
            _Reader.stamp = stamp
        return _Reader.index.searcher()


@contextlib.contextmanager
def _write_lock(*, wait: bool):
    """The one writer of the index folder across processes; yields False when ``wait`` is
    False and another process holds it."""
    root = folder()
    root.mkdir(parents=True, exist_ok=True)
    with open(root / LOCK, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pending(cap: int) -> int:
    """How many changes are noted and not yet applied, counted up to ``cap``."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM (SELECT 1 FROM library_searchchange LIMIT %s) AS noted", [cap]
        )
        return cursor.fetchone()[0]


ENTRY_COLUMNS = ("id", "index_name", "index_main", "index_rest", *FILTER_FIELDS)


def where_id_in(cursor, statement: str, ids: list[int], chunk: int = 5_000):
    """Run ``statement WHERE id IN (...)`` for ``ids``, a chunk at a time (the databases
    bound the parameters of one statement); yields after each chunk.

    PostgreSQL is given the chunk as one array (``id = ANY(%s)``), which the driver sends
    as it is, instead of a statement of 200 placeholders that it splits and fills on
    every search (the paired measurement is in benchmarks.md, 4 December)."""
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        if cursor.db.vendor == "postgresql":
            cursor.execute(f"{statement} WHERE id = ANY(%s)", [part])
        else:
            cursor.execute(f"{statement} WHERE id IN ({', '.join(['%s'] * len(part))})", part)
        yield


def _documents(ids: list[int]):
    columns = ", ".join(connection.ops.quote_name(c) for c in ENTRY_COLUMNS)
    with connection.cursor() as cursor:
        chunks = (
            cursor.fetchall()
            for _ in where_id_in(cursor, f"SELECT {columns} FROM library_libraryentry", ids)
        )
        yield from _documents_of(chunks, apart=len(ids) >= HELPER_FROM)


#: Entries from which their documents are made in a helper process.
HELPER_FROM = 10_000


def _documents_of(chunks, *, apart: bool):
    """The documents of chunks of rows (``ENTRY_COLUMNS``). Making them (the concept
    terms, pure Python and most of the work) runs a few chunks ahead in a helper process
    when there are many (``apart``), while this process hands the chunks before to
    tantivy."""
    tantivy = _tantivy()
    made = helper.ahead("document_texts", (CONCEPT, REPEAT), chunks, apart=apart)
    for _rows, documents in made:
        for document in documents:
            yield _document(tantivy, document)


def _prefix() -> str:
    return f"v{VERSION}-{analysis.concept_terms().fingerprint}-"


def _document(tantivy, document: tuple):
    """An entry's tantivy document from what ``index.document_texts`` made of it."""
    pk, text, *values = document
    return tantivy.Document(pk=pk, terms=text, **dict(zip(_FILTER_KEYS, values, strict=True)))


def sync(*, wait: bool = True) -> int | None:
    """Apply the noted changes to the index; how many were applied, or None when another
    process holds the writer and ``wait`` is False. Builds the index first if there is
    none."""
    if not enabled():
        return 0
    with _write_lock(wait=wait) as locked:
        if not locked:
            return None
        if _current_path(folder()) is None:
            return _rebuild_locked()
        applied = _apply_changes()
    _reclaim(applied)
    return applied


#: Changes forgotten at once after which a sync vacuums PostgreSQL's change table itself:
#: until autovacuum comes by, every search's check for pending changes (``pending``)
#: reads past the dead rows (13 ms a search after an import of 1,000,000 rows).
VACUUM_AFTER = 10_000


def _reclaim(forgotten: int) -> None:
    if (
        forgotten >= VACUUM_AFTER
        and connection.vendor == "postgresql"
        and not connection.in_atomic_block  # VACUUM cannot run inside a transaction
    ):
        with connection.cursor() as cursor:
            cursor.execute("VACUUM library_searchchange")


def _apply_changes() -> int:
    path = _current_path(folder())
    applied = 0
    while True:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, entry_id FROM library_searchchange ORDER BY id LIMIT %s",
                [SYNC_BATCH],
            )
            changes = cursor.fetchall()
        if not changes:
            return applied
        ids = sorted({entry for _id, entry in changes})
        index = _open(path)
        writer = index.writer(WRITER_HEAP, 1)
        for pk in ids:
            writer.delete_documents_by_term("pk", pk)
        for document in _documents(ids):
            writer.add_document(document)
        writer.commit()
        writer.wait_merging_threads()
        done = [change for change, _entry in changes]
        with transaction.atomic(), connection.cursor() as cursor:
            for _ in where_id_in(cursor, "DELETE FROM library_searchchange", done):
                pass
        applied += len(done)
        if len(changes) < SYNC_BATCH:
            return applied


def rebuild() -> int:
    """Write the index anew from every entry the database holds; how many were indexed."""
    with _write_lock(wait=True):
        return _rebuild_locked()


def _rebuild_locked() -> int:
    root = folder()
    path = root / f"{_prefix()}{uuid.uuid4().hex[:12]}"
    path.mkdir(parents=True)
    index = _open(path)
    writer = index.writer(WRITER_HEAP, 1)
    # The changes noted now are covered by the entries read after: forget them first
    # (a change committed later stays noted and is applied by the next sync). With them
    # the index in use stops being this database's: a rebuild that fails half-way leaves
    # no index that misses them, and the next sync writes one.
    with transaction.atomic(), connection.cursor() as cursor:
        LibraryStats.current()
        LibraryStats.objects.filter(pk=1).update(search_index="")
        cursor.execute("DELETE FROM library_searchchange")
        forgotten = cursor.rowcount
    _reclaim(forgotten)
    columns = ", ".join(connection.ops.quote_name(c) for c in ENTRY_COLUMNS)
    count = 0
    with transaction.atomic(), connection.chunked_cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM library_libraryentry ORDER BY id")
        chunks = iter(lambda: cursor.fetchmany(2_000), [])
        apart = LibraryStats.current().entries >= HELPER_FROM
        for document in _documents_of(chunks, apart=apart):
            writer.add_document(document)
            count += 1
    writer.commit()
    writer.wait_merging_threads()
    pointer = root / f"{POINTER}.{os.getpid()}"
    pointer.write_text(path.name)
    os.replace(pointer, root / POINTER)
    LibraryStats.current()
    LibraryStats.objects.filter(pk=1).update(search_index=path.name)
    # Earlier folders (the one replaced, one of another database, one left by a rebuild
    # that stopped): a process still reading one keeps its open files until it reopens.
    for other in root.glob("v*-*"):
        if other != path and other.is_dir():
            shutil.rmtree(other, ignore_errors=True)
    logger.info("search index rebuilt: %s entries in %s", count, path.name)
    return count


def discard() -> None:
    """Forget the index (after the database was replaced, e.g. by a restore): searches
    use the database's own index, and the first one queues the sync that writes a new
    one (nothing is queued here: a restore leaves the database as the backup had it)."""
    if not enabled():
        return
    with _write_lock(wait=True):
        old = _current_path(folder())
        (folder() / POINTER).unlink(missing_ok=True)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM library_searchchange")


def usable() -> Path | None:
    """The index's folder when the index holds exactly what the database holds now
    (applying a few noted changes first if no other process is writing), else None. When
    it cannot be used (no index yet, many changes), a background sync is queued."""
    if not enabled():
        return None
    path = _current_path(folder())
    if path is None:
        _queue_sync()
        return None
    noted = pending(INLINE_SYNC + 1)
    if noted == 0:
        return path
    if noted > INLINE_SYNC or sync(wait=False) is None:
        _queue_sync()
        return None
    return path if pending(1) == 0 else None


def after_write() -> None:
    """After a write of the knowledge base commits: apply a few changes at once, queue
    the sync of many (a worker applies them at low priority)."""
    if not enabled():
        return
    few = _current_path(folder()) is not None and pending(INLINE_SYNC + 1) <= INLINE_SYNC
    if few and sync(wait=False) is not None:
        return
    _queue_sync(throttle=False)


_queued = {"at": -1e9}


def _queue_sync(*, throttle: bool = True) -> None:
    """Queue ``tasks.sync_search_index`` (at most every 30 s from a searching process)."""
    now = time.monotonic()
    if throttle and now - _queued["at"] < 30:
        return
    _queued["at"] = now
    from labinov.library.tasks import sync_search_index

    transaction.on_commit(sync_search_index.enqueue)


def _idf(search, term: str) -> float:
    """The index's own idf of a term (tantivy's BM25), 0 for a term no entry holds."""
    df = search.doc_freq("terms", term)
    return math.log(1 + (search.num_docs - df + 0.5) / (df + 0.5)) if df else 0.0


def _clauses(search, schema, concept: ranking.Concept) -> list:
    """The query clauses of one concept, all plain (boosted) terms where they can be, so
    that tantivy can skip through their union (block-max WAND).

    A concept whose first alternative has lexicon variants asks its concept term, which
    every entry satisfying any of those variants holds, at the concept's idf (as
    ``ranking.score`` weighs a concept: by its rarest held alternative) times the
    variants' weight, and the term as typed for the rest of its weight; before, it asked
    a disjunction-max of every alternative, twice tantivy's time at p95 on long queries
    (benchmarks.md, 4 December). The alternatives left (a spelling correction, a concept
    without variants) are asked as they are, each at its weight."""
    tantivy = _tantivy()
    Q, Occur = tantivy.Query, tantivy.Occur
    terms = analysis.concept_terms()
    alternatives = dict(concept.alternatives)
    clauses = []
    first = next(iter(alternatives), None)
    if first is not None and len(first) == 1 and first[0] in analysis.lexicon():
        typed, weight = first[0], alternatives[first]
        alternatives = {
            alt: w for alt, w in alternatives.items() if not terms.satisfies(alt, typed)
        }
        boosts = [(CONCEPT + typed, min(weight, ranking.VARIANT_WEIGHT))]
        if weight > ranking.VARIANT_WEIGHT:
            boosts.append((typed, weight - ranking.VARIANT_WEIGHT))
        for term, share in boosts:
            idf = _idf(search, term)
            if idf:
                query = Q.term_query(schema, "terms", term)
                clauses.append((Occur.Should, Q.boost_query(query, share * concept.idf / idf)))
    for alt, weight in alternatives.items():
        parts = [Q.term_query(schema, "terms", t) for t in alt]
        one = parts[0] if len(parts) == 1 else Q.boolean_query([(Occur.Must, p) for p in parts])
        clauses.append((Occur.Should, Q.boost_query(one, weight)))
    return clauses


def candidates(
    query: ranking.Query, filters: dict, limit: int, path: Path | None = None
) -> list[int]:
    """The ids of the ``limit`` entries the index ranks best for ``query`` (BM25 over the
    weighted terms, each concept asked as ``_clauses`` says), within ``filters``.
    ``path``: the index's folder as ``usable`` answered it."""
    tantivy = _tantivy()
    search = searcher(path)
    if search is None:
        return []
    schema = _Reader.index.schema
    concepts = [
        clause for concept in query.concepts for clause in _clauses(search, schema, concept)
    ]
    if not concepts:
        return []
    Q, Occur = tantivy.Query, tantivy.Occur
    matching = Q.boolean_query(concepts)
    filtering = [
        (
            Occur.Must,
            Q.const_score_query(Q.term_query(schema, f"f_{name}", filter_text(value)), 0.0),
        )
        for name in FILTER_FIELDS
        if (value := filters.get(name)) not in (None, "")
    ]
    if filtering:
        matching = Q.boolean_query([(Occur.Must, matching), *filtering])
    # Unfiltered, the concepts' query is asked as it is: wrapped in a query of one
    # clause, the same answer took about 15 % more time at p95 (1,000,000 records, benchmarks.md).
    found = search.search(matching, limit, count=False)
    return [search.doc(address)["pk"][0] for _score, address in found.hits]
