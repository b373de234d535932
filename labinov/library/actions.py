"""The only writers of the knowledge base. An import is one action and one audit event
however many rows it holds; rows are written in bulk (upsert by source and source_id)
together with their search terms, term counts and statistics.

An import never keeps others from writing for more than a moment (on SQLite one writer at
a time holds the whole database), and still imports all of a file or nothing:

1. **Read and check**, outside any transaction: rows are checked batch by batch, and the
   good ones go to a staging file (``staging.Staging``, a temporary file of this process).
   Nothing is written to the database. A bad row stops the staging (unless bad rows are
   to be skipped); the rest of the file is still checked so that every bad row is
   reported, and then nothing is written at all.
2. **Analyse and write** the staged batches: each is turned into search terms (for a
   large file in a helper process, from the moment it is staged: ``staging``) and
   written in its own short transaction (a fraction of a second for 2,000 rows), so that
   other people's writes go in between; each batch's transaction also records how to
   undo it (``undo``), and on PostgreSQL commits without waiting for the disk
   (``bulk.commit_without_waiting``). The last transaction writes the term counts,
   statistics and audit event and marks the import finished, the normal way. A large
   file's entries also go to the embedded search index as they are written
   (``search.feed``), which commits them after that last transaction.
3. **On failure** while writing, the batches written are undone (``undo.roll_back``); if
   the process died, the next import undoes them. So a failure midway leaves nothing
   half-imported.

Numbers: docs/benchmarks.md, "Writing while a large import runs"."""

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import REGION_MANAGERS, get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.library import bulk, undo
from labinov.library.exchange import COLUMNS, Problem, clean_row
from labinov.library.models import (
    ImportRun,
    ImportWriting,
    LibraryEmbedding,
    LibraryEntry,
    LibraryStats,
    Replication,
)
from labinov.library.search import embeddings, index, textindex
from labinov.library.search.feed import Feed, feeding
from labinov.library.staging import Staging

AUDIT_ACTIONS = {
    "library.import": gettext_lazy("Knowledge base imported"),
    "library.import_started": gettext_lazy("Knowledge base import started"),
    "library.entry_added": gettext_lazy("Knowledge base entry added"),
    "library.entry_updated": gettext_lazy("Knowledge base entry updated"),
    "library.replicated": gettext_lazy("Innovation replicated from the knowledge base"),
    "library.entries_removed": gettext_lazy("Knowledge base entries withdrawn"),
}

BATCH = 2000
_UNTOUCHED = frozenset(("year", "digital"))  # None stays None; other columns "" for None


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    #: Rows read, good and bad.
    rows_read: int = 0
    problems: list[Problem] = field(default_factory=list)
    #: False when bad rows stopped the import: then nothing was written.
    imported: bool = True

    @property
    def total(self) -> int:
        return self.created + self.updated

    @property
    def bad_rows(self) -> int:
        return len({p.row for p in self.problems})


@dataclass
class _Batch:
    """Rows read and checked."""

    #: The good rows: their values of the exchange columns, in order (source_id first).
    rows: list[tuple] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: Rows read so far, counting this batch.
    read: int = 0


def helper_stopped_message(file_name: str, exit_code: int | None) -> str:
    """What the person importing ``file_name`` reads when the helper analysing its rows
    stopped (``helper.HelperStopped``): the import was undone."""
    return _(
        "%(file)s: the process analysing the rows stopped (exit code %(code)s): "
        "nothing was imported. Import the file again; if it stops again, look "
        "at the memory the machine has left."
    ) % {"file": file_name, "code": exit_code}


def may_import(user) -> bool:
    """Platform administrators and region coordinators feed the national knowledge base."""
    access = get_access(user)
    return access.is_platform_admin or bool(access.region_ids(REGION_MANAGERS))


def _check_may_import(user) -> None:
    if not may_import(user):
        raise NotAllowed(
            _("Only region coordinators and platform administrators may import innovations.")
        )


def _batches(
    rows: Iterable[tuple[int, dict, list[Problem]]], *, keep_after_problem: bool
) -> Iterator[_Batch]:
    """Group checked rows into batches, keeping the good ones. Once a row is bad and bad
    rows are not skipped, the rest is only checked: nothing will be written."""
    batch, read, since, keeping = _Batch(), 0, 0, True
    for _number, row, problems in rows:
        read += 1
        since += 1
        if problems:
            batch.problems.extend(problems)
            keeping = keeping and keep_after_problem
        elif keeping:
            batch.rows.append(
                tuple([row.get(c) if c in _UNTOUCHED else (row.get(c) or "") for c in COLUMNS])
            )
        if since >= BATCH:
            batch.read = read
            yield batch
            batch, since = _Batch(), 0
    batch.read = read
    yield batch


@dataclass
class _Totals:
    """What an import changes beside the entries, summed over its batches and written once
    at its end (``_finish``): PostgreSQL keeps a new version of a row at every update, and
    updating the counts of the common terms after each of 500 batches made each update
    walk the versions left by the ones before it."""

    df: Counter = field(default_factory=Counter)
    lengths: list[int] = field(default_factory=lambda: [0, 0, 0])
    created: int = 0
    updated: int = 0
    #: Words as written in the rows (recorded for spelling correction at the end).
    known_words: set[str] = field(default_factory=set)


def _write_batch(
    entries: list[tuple[str, tuple]],
    written: set[str],
    term_rows: dict[str, int],
    lengths: tuple[int, int, int],
    vectors: list[bytes | None] | None,
    concepts: list[tuple[str, str, str]] | None,
    totals: _Totals,
    *,
    source: str,
    indexing: index.BulkIndexing | None = None,
    run: ImportWriting | None = None,
    feed: Feed | None = None,
) -> None:
    """Upsert one analysed batch (``index.analysed_rows``); add its changes of term
    counts and lengths, and its known words (``written``), to ``totals``. ``indexing``:
    a bulk import's way of indexing the new rows (without it, the database's triggers
    do). ``run``: the import's registration, to record how to undo the batch (``undo``).
    ``vectors``: the entries' PostgreSQL ``search_vector`` (``index.search_vector``), or
    None for the database to compute them. ``feed``: the import's way of indexing the
    entries in the embedded index (``search.feed``), given their ``concepts``.

    The batch's ``term_rows`` and ``lengths`` count every entry as new; an entry already
    there gives back its old terms and lengths (its terms then count as those it gains
    less those it loses), and is embedded again if its name, problem or solution
    changed."""
    old = bulk.existing_index_texts(source, [e[0] for e in entries])
    totals.df.update(term_rows)
    for i in range(3):
        totals.lengths[i] += lengths[i]
    changed_text = []
    if old:
        texts = dict(entries)
        for source_id, (entry_id, *old_texts) in old.items():
            if tuple(old_texts[:2]) != texts[source_id][-3:-1]:  # index_name, index_main
                changed_text.append(entry_id)
            old_fields = [text.split() for text in old_texts]
            totals.df.subtract(set().union(*old_fields))
            for i in range(3):
                totals.lengths[i] -= len(old_fields[i])
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [(source, *row_values, now, now, 0) for _source_id, row_values in entries]
    if vectors is not None:
        values = [(*row, vector) for row, vector in zip(values, vectors, strict=True)]
    if run is not None:
        undo.record(
            run,
            source=source,
            created=[e[0] for e in entries if e[0] not in old],
            previous=undo.previous_fields(source, [o[0] for o in old.values()]),
        )
    if indexing:
        indexing.before_batch()
    if feed:
        feed.before_batch()
    bulk.upsert_entries(values, new=not old, vectors=vectors is not None)
    if indexing:
        indexing.after_batch()
    if feed:
        feed.after_batch(source, entries, concepts, [found[0] for found in old.values()])
    if changed_text:
        LibraryEmbedding.objects.filter(entry_id__in=changed_text).delete()
    totals.known_words.update(written)
    totals.created += len(entries) - len(old)
    totals.updated += len(old)


def _finish(totals: _Totals) -> None:
    """Write the term counts and statistics an import changed; bump the generation so
    that every process reloads its cached vocabulary."""
    bulk.add_words(index.surface_words(totals.known_words))
    bulk.add_term_counts(totals.df)
    LibraryStats.current()
    LibraryStats.objects.filter(pk=1).update(
        entries=F("entries") + totals.created,
        name_length=F("name_length") + totals.lengths[0],
        main_length=F("main_length") + totals.lengths[1],
        rest_length=F("rest_length") + totals.lengths[2],
        generation=F("generation") + 1,
    )
    transaction.on_commit(textindex.after_write)
    if embeddings.enabled():
        transaction.on_commit(_embed_in_background)


@transaction.atomic
def start_import(*, acting_user, upload, skip_invalid: bool = False) -> ImportRun:
    """Keep an uploaded file as an ``ImportRun`` and have a background worker import it
    (``tasks.import_library_file``) once this transaction commits; its page follows it."""
    _check_may_import(acting_user)
    run = ImportRun.objects.create(
        file=upload,
        original_name=upload.name[:255],
        skip_invalid=skip_invalid,
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record_event(
        acting_user=acting_user,
        action="library.import_started",
        obj=run,
        details={"file": run.original_name, "skip_invalid": skip_invalid},
    )
    transaction.on_commit(lambda: _import_in_background(run.pk))
    return run


def _import_in_background(run_id: int) -> None:
    from labinov.library.tasks import import_library_file

    import_library_file.enqueue(run_id)


def _embed_in_background() -> None:
    from labinov.library.tasks import embed_library_entries

    embed_library_entries.enqueue()


def import_rows(
    *,
    acting_user,
    rows: Iterable[tuple[int, dict, list[Problem]]],
    skip_invalid: bool = False,
    source: str = LibraryEntry.Source.IMPORTED,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Import checked rows, as ``exchange.iter_rows`` reads them from a file: (row
    number, row, problems). One pass over the rows, then short transactions that write
    them, all or nothing (see the module's docstring), one audit event.

    Without ``skip_invalid``, a file with any bad row imports nothing: the answer lists
    every bad row and ``imported`` is False. With it, the good rows are imported and the
    bad ones listed. Re-importing a ``source_id`` updates its entry, never duplicates it.
    ``progress(rows_read)`` is called after every batch."""
    _check_may_import(acting_user)
    result = ImportResult()
    vectors = connection.vendor == "postgresql"
    concepts = textindex.CONCEPT if textindex.enabled() else ""
    with Staging(COLUMNS, vectors=vectors, concepts=concepts) as staged:
        for batch in _batches(rows, keep_after_problem=skip_invalid):
            result.problems += batch.problems
            result.rows_read = batch.read
            if batch.rows and (skip_invalid or not result.problems):
                staged.add(batch.rows)
            if progress:
                progress(batch.read)
        if result.problems and not skip_invalid:
            return ImportResult(
                rows_read=result.rows_read, problems=result.problems, imported=False
            )
        run = undo.begin()
        try:
            totals = _Totals()
            # A large import indexes its entries in the embedded index as it writes them.
            fed = feeding(COLUMNS) if staged.analysed_apart() else nullcontext()
            with bulk.many_writes(), fed as feed:
                for analysed in staged.analysed():
                    with transaction.atomic(), index.BulkIndexing(connection) as indexing:
                        bulk.commit_without_waiting()
                        _write_batch(
                            *analysed,
                            totals,
                            source=source,
                            indexing=indexing,
                            run=run,
                            feed=feed,
                        )
                with transaction.atomic():
                    _finish(totals)
                    result.created, result.updated = totals.created, totals.updated
                    record_event(
                        acting_user=acting_user,
                        action="library.import",
                        details={
                            "file": file_name,
                            "created": result.created,
                            "updated": result.updated,
                            "skipped_rows": result.bad_rows,
                        },
                    )
                    undo.finish(run)
                if feed is not None:
                    feed.commit()
        except BaseException:
            undo.roll_back(run.pk)
            raise
    undo.forget(run.pk)
    return result


def import_entries(
    *,
    acting_user,
    rows: Iterable[dict],
    source: str = LibraryEntry.Source.IMPORTED,
    file_name: str = "",
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Create or update entries from rows already checked (``exchange.read_file(...).rows``,
    the demo's and tests' own records). See ``import_rows``."""
    return import_rows(
        acting_user=acting_user,
        rows=((0, row, []) for row in rows),
        source=source,
        file_name=file_name,
        progress=progress,
    )


@transaction.atomic
def upsert_entry(
    *, acting_user, source: str = LibraryEntry.Source.LOCAL, source_id: str, **fields
) -> LibraryEntry:
    """Add or update one entry, e.g. an innovation of this installation once displayed
    (call it with ``source=LibraryEntry.Source.LOCAL`` and the innovation's id)."""
    _check_may_import(acting_user)
    row, problems = clean_row(0, {"source_id": source_id, **fields})
    if problems:
        raise ActionError(problems[0].reason, field=problems[0].column)
    if source not in LibraryEntry.Source.values:
        raise ActionError(_("Unknown source %(s)r.") % {"s": source}, field="source")
    (batch,) = _batches([(0, row, [])], keep_after_problem=False)
    totals = _Totals()
    _write_batch(*index.analysed_rows(batch.rows, COLUMNS), totals, source=source)
    _finish(totals)
    created = totals.created
    entry = LibraryEntry.objects.get(source=source, source_id=row["source_id"])
    record_event(
        acting_user=acting_user,
        action="library.entry_added" if created else "library.entry_updated",
        obj=entry,
    )
    return entry


@transaction.atomic
def remove_entries(
    *, acting_user, source: str, source_ids: list[str], reason: str = ""
) -> tuple[int, list[str]]:
    """Take entries out of the knowledge base because their origin withdrew them (this
    installation's innovation unpublished, or a federated one withdrawn at its origin).
    Term counts and statistics follow, as for an import. An entry replicated here stays
    (its replications name it as their source): the answer lists those kept, beside the
    number removed."""
    _check_may_import(acting_user)
    rows = list(
        LibraryEntry.objects.filter(source=source, source_id__in=source_ids).values_list(
            "pk", "source_id", "index_name", "index_main", "index_rest"
        )
    )
    replicated = set(
        Replication.objects.filter(source_id__in=[r[0] for r in rows]).values_list(
            "source_id", flat=True
        )
    )
    df: Counter = Counter()
    lengths = [0, 0, 0]
    gone, kept = [], []
    for pk, source_id, *texts in rows:
        if pk in replicated:
            kept.append(source_id)
            continue
        fields = [t.split() for t in texts]
        df.subtract(set().union(*fields))
        for i in range(3):
            lengths[i] -= len(fields[i])
        gone.append(pk)
    if gone:
        LibraryEntry.objects.filter(pk__in=gone).delete()
        bulk.add_term_counts(dict(df))
        LibraryStats.current()
        LibraryStats.objects.filter(pk=1).update(
            entries=F("entries") - len(gone),
            name_length=F("name_length") + lengths[0],
            main_length=F("main_length") + lengths[1],
            rest_length=F("rest_length") + lengths[2],
            generation=F("generation") + 1,
        )
        record_event(
            acting_user=acting_user,
            action="library.entries_removed",
            details={"source": source, "removed": len(gone), "kept": kept, "reason": reason},
        )
        transaction.on_commit(textindex.after_write)
    return len(gone), kept
