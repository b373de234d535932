"""A large import's entries indexed in the embedded index (``textindex``) as the import
writes them, instead of a sync reading every one back from the database afterwards.

``with feeding(columns) as feed:`` gives the import a ``Feed`` holding the index's writer
(or None: the index off, or another process writing it); see ``Feed`` for what the import
calls in each batch's transaction and after its last one.
"""

import contextlib
import logging
import os
import queue
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from django.db import connection, transaction

from labinov.library import bulk
from labinov.library.filtersets import FILTER_FIELDS
from labinov.library.search.index import document_text, filter_text
from labinov.library.search.textindex import (
    REPEAT,
    SYNC_BATCH,
    WRITER_HEAP,
    _current_path,
    _document,
    _open,
    _rebuild_locked,
    _reclaim,
    _tantivy,
    _write_lock,
    enabled,
    folder,
)

logger = logging.getLogger(__name__)


class Feed:
    """An import's entries indexed as it writes them (``feeding``), instead of the sync
    reading every one back from the database after the import: that sync was a quarter
    of the time of an import of 1,000,000 rows, and ran after the writing instead of
    beside it (docs/benchmarks.md, "Import: the embedded index fed while the rows are
    written"). The import's helper gives each entry's concept terms with its analysis
    (``index.analysed_rows``); a thread of this process makes the documents and hands them
    to the index's writer while the import writes the next batch, and tantivy indexes
    them on a thread of its own.

    In each batch's transaction the import calls ``before_batch()`` before writing and
    ``after_batch(...)`` after; after its last transaction, ``commit()``. The changes the
    batches noted (``library_searchchange``) stay noted until the index has committed the
    documents; then they are forgotten. Whatever happens before (a failure, an import
    rolled back, a process killed), they are still noted and the next sync applies them."""

    #: Batches handed to the thread that it has not yet taken (a few MB each).
    QUEUED = 16
    #: The thread's priority, and that of tantivy's indexing thread it starts, below the
    #: importing process's (``os.nice``): their work is needed when the import commits,
    #: the helper's analysis (at ``staging.HELPER_NICE``) before every batch.
    NICE = 15

    def __init__(self, path: Path, columns: Sequence[str]):
        self.writer = None
        #: The changes the batches noted, forgotten once the index has their entries.
        self._noted: list[int] = []
        self._before = 0
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._error: BaseException | None = None
        where = {name: i for i, name in enumerate(columns)}
        #: Where each filter value is in a row of ``columns`` (None: the entries' source).
        self._filters = [where.get(name) for name in FILTER_FIELDS]
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._add_all, args=(path, ready), name="labinov-index-feed"
        )
        self._thread.start()
        ready.wait()
        if self.writer is None:  # the index could not be opened
            self._thread.join()
            raise self._error

    def before_batch(self) -> None:
        """In a batch's transaction, before it writes: where the changes it notes begin."""
        with connection.cursor() as cursor:
            cursor.execute("SELECT MAX(id) FROM library_searchchange")
            self._before = cursor.fetchone()[0] or 0

    def after_batch(
        self,
        source: str,
        entries: list[tuple[str, tuple]],
        concepts: list[tuple[str, str, str]],
        replaced: list[int],
    ) -> None:
        """In a batch's transaction, after it wrote ``entries`` (``index.analysed_rows``:
        source_id, the row's values and its three index texts) of ``source``: hand their
        documents to the index, replacing those of the entries that were already there
        (``replaced``, their ids), and keep the changes the batch noted of them.

        Changes noted meanwhile by others of the same entries were committed before this
        batch wrote them (another writer waits for the batch's rows until it commits), so
        the documents given here are newer; changes of other entries stay noted."""
        if self._error is not None:
            return  # the index failed: ``commit`` leaves every change noted
        ids = bulk.entry_ids(source, [source_id for source_id, _values in entries])
        mine = set(ids.values())
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, entry_id FROM library_searchchange WHERE id > %s", [self._before]
            )
            self._noted += [change for change, entry in cursor.fetchall() if entry in mine]
        self._queue.put((source, ids, entries, concepts, replaced))

    def _add_all(self, path: Path, ready: threading.Event) -> None:
        """The thread: open the writer (at this thread's lower priority, which the writer's
        own threads take on), then each batch's documents to it, until ``None``. After a
        failure it keeps taking batches, so that ``after_batch`` never waits for it."""
        try:
            if sys.platform == "linux":  # this thread only; threads it starts inherit it
                own = os.getpriority(os.PRIO_PROCESS, 0)
                os.setpriority(os.PRIO_PROCESS, 0, min(own + self.NICE, 19))
            self.writer = _open(path).writer(WRITER_HEAP, 1)
        except BaseException as exc:
            self._error = exc
            return
        finally:
            ready.set()
        tantivy, writer = _tantivy(), self.writer
        while (batch := self._queue.get()) is not None:
            if self._error is not None:
                continue
            source, ids, entries, concepts, replaced = batch
            try:
                for pk in replaced:
                    writer.delete_documents_by_term("pk", pk)
                for (source_id, values), found in zip(entries, concepts, strict=True):
                    filters = [
                        source if at is None else filter_text(values[at]) for at in self._filters
                    ]
                    text = document_text(values[-3:], found, REPEAT)
                    writer.add_document(_document(tantivy, (ids[source_id], text, *filters)))
            except BaseException as exc:  # ``commit`` then leaves the changes noted
                self._error = exc

    def _stop(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def commit(self) -> None:
        """After the import's last transaction: commit the index, then forget the changes
        it now holds (``SYNC_BATCH`` at a time, so that other writers go in between).

        The import stands whatever happens here: if the index cannot be written (a full
        disk), its changes stay noted and the sync the import queued applies them."""
        self._stop()
        try:
            if self._error is not None:
                raise self._error
            self.writer.commit()
        except (OSError, ValueError, RuntimeError):
            logger.exception("search index: the import's entries were not committed")
            self._error = None
            self.close()
            return
        writer, self.writer = self.writer, None
        writer.wait_merging_threads()
        noted = _ranges(self._noted)
        for start in range(0, len(noted), SYNC_BATCH):
            with transaction.atomic(), connection.cursor() as cursor:
                for low, high in noted[start : start + SYNC_BATCH]:
                    cursor.execute(
                        "DELETE FROM library_searchchange WHERE id BETWEEN %s AND %s", [low, high]
                    )
        _reclaim(len(self._noted))
        self._noted = []

    def close(self) -> None:
        """Drop what was not committed, and let go of the index (a writer holds it until
        its merging threads end)."""
        self._stop()
        writer, self.writer = self.writer, None
        if writer is not None:
            with contextlib.suppress(OSError, ValueError, RuntimeError):
                writer.rollback()
            writer.wait_merging_threads()


def _ranges(ids: list[int]) -> list[tuple[int, int]]:
    """``ids`` as runs of consecutive numbers, (first, last) each: the changes of one batch
    are mostly one run, deleted with one statement."""
    runs: list[tuple[int, int]] = []
    for number in sorted(ids):
        if runs and runs[-1][1] == number - 1:
            runs[-1] = (runs[-1][0], number)
        else:
            runs.append((number, number))
    return runs


@contextlib.contextmanager
def feeding(columns: Sequence[str]) -> Iterator[Feed | None]:
    """For an import about to write rows of ``columns``: a ``Feed`` holding the index's
    writer until the block ends (building the index first if there is none), or None when
    the index is off or another process is writing it (the import's changes are then
    applied by a sync, as any other write's). Uncommitted documents are dropped when the
    block ends."""
    if not enabled():
        yield None
        return
    with _write_lock(wait=False) as locked:
        if not locked:
            yield None
            return
        path = _current_path(folder())
        if path is None:
            _rebuild_locked()
            path = _current_path(folder())
        feed = Feed(path, columns)
        try:
            yield feed
        finally:
            feed.close()
