"""Where an import keeps its checked rows between reading a file and writing it, and
where they are analysed meanwhile.

An import reads and checks every row before it writes any (``actions``), so that a file
with a bad row writes nothing and the database's write lock is taken only for the
writing. The checked batches would not fit in memory for a large file, so they go to a
temporary file of the process: each batch encoded, read back once in order. The file has
no name on disk (``tempfile.TemporaryFile``): whatever happens to the process, nothing is
left behind to clean up.

The rows are analysed into their index texts (``index.analysed_rows``) from the moment
they are staged: for a file of many batches (from ``HELPER_FROM``) in a helper process
(``helper``), which reads each batch from the staging file as soon as it is there and
writes it analysed to a second temporary file, while this process goes on reading and
checking the rows after it, and then writes the batches analysed before. The analysis,
pure Python, so runs on a second core from the start instead of only beside the
writing. The helper runs at a lower priority (``HELPER_NICE``): it takes mostly the CPU
that the reading, the staging thread, the writing and the database leave, and hardly
slows them (docs/benchmarks.md, "Knowledge base: speed").

Neither file is compressed. Both cores are busy for the whole of a large import, so CPU
saved a row can shorten it, and disk space is the cheaper trade: zlib at its fastest
level cost 7.5 µs a row to compress the staged batches and 3 µs to decompress them (of
about 230 µs a row in all), to turn 1.0 KB a row of long texts into 0.36 KB; without it,
1,000,000 such rows import 1.07 times as fast on SQLite (docs/benchmarks.md).
The staging file takes 0.5 to 1.0 KB a row, the analysed one 1.1 to 3.4 KB with its
concept terms (4.4 GB of temporary files in all for 1,000,000 rows of long texts on
PostgreSQL, each read back once, from the system's file cache while it has room).

Encoded with ``marshal``, not JSON nor pickle: the files are read back by the same
Python (same ``marshal`` version), ``marshal`` holds only plain values (strings,
numbers, tuples, lists, sets; loading never runs code, unlike pickle), and it encodes a
batch about six times and decodes it three times as fast as JSON did. The writing runs
in a thread of its own while the rows after are read and checked: the file lets go of
Python's lock while it writes.
"""

import marshal
import os
import queue
import tempfile
import threading
from collections.abc import Iterator, Sequence

from labinov.library import helper
from labinov.library.search import index

#: Batches from which they are analysed in a helper process (below, starting it costs
#: more than it saves).
HELPER_FROM = 4
#: The helper's priority below the importing process's (``os.nice``): while the rows are
#: read and checked, and while they are written, it takes only the CPU that the reading,
#: the staging thread, the writing and the database leave.
HELPER_NICE = 10
#: The most bytes written to a temporary file in one call. A batch (2 to 7 MB) written
#: in one call cost the kernel several times the system CPU of the same bytes given
#: 256 KB at a time (2 GB in calls of 8 MB: 1.7 to 3.3 s, against 0.4 to 0.5 s), and an
#: import of 1,000,000 rows of long texts writes 4.4 GB (docs/benchmarks.md).
WRITE_SIZE = 256 * 1024


def analysed_batch(
    staged: bytes, columns: Sequence[str], vectors: bool = False, concepts: str = ""
) -> index.AnalysedBatch:
    """A staged batch analysed."""
    return index.analysed_rows(marshal.loads(staged), columns, vectors, concepts)


def analyse_staged(
    where: tuple[int, int],
    staged: int,
    out: int,
    columns: Sequence[str],
    vectors: bool,
    concepts: str = "",
) -> tuple[int, int]:
    """The helper's job: analyse the batch staged at ``where`` (offset, length) in the
    file ``staged``, append it encoded to the file ``out``, answer where it is there."""
    offset, length = where
    data = marshal.dumps(
        analysed_batch(read_at(staged, offset, length), columns, vectors, concepts)
    )
    at = os.lseek(out, 0, os.SEEK_END)
    write_at(out, data, at)
    return at, len(data)


def write_at(fd: int, data: bytes, at: int) -> None:
    """Write ``data`` to the file ``fd`` from ``at`` (without moving its position), at
    most ``WRITE_SIZE`` bytes a call."""
    view = memoryview(data)
    while view:
        written = os.pwrite(fd, view[:WRITE_SIZE], at)
        view, at = view[written:], at + written


def read_at(fd: int, offset: int, length: int) -> bytes:
    """``length`` bytes of the file ``fd`` from ``offset`` (without moving its position,
    which a helper shares)."""
    parts = []
    while length:
        part = os.pread(fd, length, offset)
        if not part:
            raise EOFError("the staging file ends early")
        parts.append(part)
        offset, length = offset + len(part), length - len(part)
    return b"".join(parts)


class Staging:
    """Append checked batches, then iterate over them analysed, once, in order.

    ``with Staging(columns, vectors=..., concepts=...) as staged: staged.add(rows); for
    analysed in staged.analysed(): ...`` (``index.analysed_rows``: rows of ``columns``,
    with their ``search_vector`` if ``vectors``; analysed in the helper, also with their
    concept terms if ``concepts``)."""

    #: Batches encoded but not yet written that ``add`` may hold before it waits.
    QUEUED = 4

    def __init__(self, columns: Sequence[str], *, vectors: bool = False, concepts: str = ""):
        self.columns, self.vectors, self.concepts = list(columns), vectors, concepts
        self._file = self._analysed_file = None
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        #: Where each staged batch is in the file: (offset, length).
        self._staged: list[tuple[int, int]] = []
        self._helper = None
        #: Batches handed to the helper.
        self._given = 0

    def __enter__(self) -> "Staging":
        self._file = tempfile.TemporaryFile(prefix="labinov-import-", buffering=0)
        self._writer = threading.Thread(target=self._write_all, name="labinov-staging")
        self._writer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop_writer()
        if self._helper is not None:
            self._helper.close()
        if self._analysed_file is not None:
            self._analysed_file.close()
        self._file.close()

    def add(self, rows: list[tuple]) -> None:
        """Keep a batch of checked rows (tuples of plain values)."""
        if self._error is not None:
            raise self._error
        self._queue.put(marshal.dumps(rows))

    def analysed_apart(self) -> bool:
        """Once every batch is added: whether they are analysed in the helper (a file of
        ``HELPER_FROM`` batches or more), and so with their concept terms."""
        self._stop_writer()
        return self._helper is not None

    def analysed(self) -> Iterator[index.AnalysedBatch]:
        """Each batch analysed, in order: read from the helper's file as it has them
        there, or analysed here for a few batches."""
        self._stop_writer()
        if self._error is not None:
            raise self._error
        if self._helper is None:
            for offset, length in self._staged:
                staged = read_at(self._file.fileno(), offset, length)
                yield analysed_batch(staged, self.columns, self.vectors)
            return
        for _ in self._staged:
            offset, length = self._helper.receive()
            yield marshal.loads(read_at(self._analysed_file.fileno(), offset, length))

    def _write_all(self) -> None:
        """The writer thread: append each queued batch until ``None``, and hand it to the
        helper (started at the ``HELPER_FROM``-th batch). After a failure (a full disk) it
        keeps taking batches, so that ``add`` never waits for it, and ``add`` or
        ``analysed`` raises the failure."""
        while (encoded := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                at = self._staged[-1][0] + self._staged[-1][1] if self._staged else 0
                write_at(self._file.fileno(), encoded, at)
                self._staged.append((at, len(encoded)))
                self._hand_over()
            except BaseException as exc:  # handed to the importing thread
                self._error = exc

    def _hand_over(self) -> None:
        """Give the helper the batches staged since the last call (starting it when there
        are enough batches to be worth a process and the machine has a second core)."""
        if self._helper is None:
            if len(self._staged) < HELPER_FROM or (os.cpu_count() or 1) < 2:
                return
            # Closed with the helper by __exit__.
            self._analysed_file = tempfile.TemporaryFile(prefix="labinov-analysed-", buffering=0)  # noqa: SIM115
            files = (self._file.fileno(), self._analysed_file.fileno())
            self._helper = helper.start(
                "analyse_staged",
                (*files, self.columns, self.vectors, self.concepts),
                pass_fds=files,
                nice=HELPER_NICE,
            )
        for where in self._staged[self._given :]:
            self._helper.send(where)
        self._given = len(self._staged)

    def _stop_writer(self) -> None:
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None
