"""Where an import keeps its checked rows between reading a file and writing it, and
where they are analysed on the way out.

An import reads and checks every row before it writes any (``actions``), so that a file
with a bad row writes nothing and the database's write lock is taken only for the
writing. The checked batches would not fit in memory for a large file, so they go to a
temporary file of the process: each batch encoded and compressed, read back once in
order. The file has no name on disk (``tempfile.TemporaryFile``): whatever happens to the
process, nothing is left behind to clean up.

The rows are analysed into their index texts (``index.analysed_rows``) as they are read
back, while the batches before them are being written: for a file of many batches in a
helper process (``helper.ahead``, from ``HELPER_FROM`` batches), so that the analysis,
pure Python, runs on a second core beside the writing instead of before it
(docs/benchmarks.md, "Knowledge base: speed").

Encoded with ``marshal``, not JSON nor pickle: the file is read back by the same process
(same Python, same ``marshal`` version), ``marshal`` holds only plain values (strings,
numbers, tuples, lists, sets; loading never runs code, unlike pickle), and it encodes a
batch about six times and decodes it three times as fast as JSON did (the compression,
level 1, then takes most of the staging's time). The compression and the writing run in a
thread of their own while the rows after are read and checked: ``zlib`` and the file
let go of Python's lock while they work, so they use the second core (5 s of an import of
1,000,000 rows on SQLite, docs/benchmarks.md).
"""

import marshal
import queue
import struct
import tempfile
import threading
import zlib
from collections.abc import Iterator, Sequence

from labinov.library import helper
from labinov.library.search import index

_LENGTH = struct.Struct(">I")
#: Batches from which they are analysed in a helper process (below, starting it costs
#: more than it saves).
HELPER_FROM = 4


def analysed_batch(
    packed: bytes, columns: Sequence[str], vectors: bool = False
) -> index.AnalysedBatch:
    """A staged batch analysed (a helper's job, see ``helper``)."""
    return index.analysed_rows(marshal.loads(zlib.decompress(packed)), columns, vectors)


class Staging:
    """Append checked batches, then iterate over them analysed, once, in order.

    ``with Staging() as staged: staged.add(rows); for entries, written in
    staged.analysed(columns): ...``"""

    #: Batches encoded but not yet written that ``add`` may hold before it waits.
    QUEUED = 4

    def __init__(self):
        self._file = None
        self._queue: queue.Queue = queue.Queue(maxsize=self.QUEUED)
        self._writer: threading.Thread | None = None
        self._error: BaseException | None = None
        self.batches = 0

    def __enter__(self) -> "Staging":
        self._file = tempfile.TemporaryFile(prefix="labinov-import-")
        self._writer = threading.Thread(target=self._write_all, name="labinov-staging")
        self._writer.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop_writer()
        self._file.close()

    def add(self, rows: list[tuple]) -> None:
        """Keep a batch of checked rows (tuples of plain values)."""
        if self._error is not None:
            raise self._error
        self._queue.put(marshal.dumps(rows))
        self.batches += 1

    def analysed(
        self, columns: Sequence[str], *, vectors: bool = False
    ) -> Iterator[index.AnalysedBatch]:
        """Each batch analysed (``index.analysed_rows``: rows of ``columns``, with their
        ``search_vector`` if ``vectors``), in order; the next ones in a helper process
        while the caller writes this one."""
        self._stop_writer()
        if self._error is not None:
            raise self._error
        self._file.flush()
        self._file.seek(0)
        batches = (self._read() for _ in range(self.batches))
        apart = self.batches >= HELPER_FROM
        for _packed, analysed in helper.ahead(
            "analyse_rows", (columns, vectors), batches, apart=apart
        ):
            yield analysed

    def _write_all(self) -> None:
        """The writer thread: compress and append each queued batch until ``None``. After
        a failure (a full disk) it keeps taking batches, so that ``add`` never waits for
        it, and ``add`` or ``analysed`` raises the failure."""
        while (encoded := self._queue.get()) is not None:
            if self._error is not None:
                continue
            try:
                packed = zlib.compress(encoded, 1)
                self._file.write(_LENGTH.pack(len(packed)))
                self._file.write(packed)
            except BaseException as exc:  # handed to the importing thread
                self._error = exc

    def _stop_writer(self) -> None:
        if self._writer is not None:
            self._queue.put(None)
            self._writer.join()
            self._writer = None

    def _read(self) -> bytes:
        (size,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
        return self._file.read(size)
