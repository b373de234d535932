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
helper process (``HELPER_FROM``), so that the analysis, pure Python, runs on a second
core beside the writing instead of before it (docs/benchmarks.md, "Knowledge base:
speed"). The helper is this module run as a program (``python -m
labinov.library.staging``): it starts from nothing, imports only the analysis, and
reads batches on its input and answers them on its output, in order. Not
``multiprocessing``: its "spawn" runs the importing program's main script again in the
child (fatal for a script without a ``__main__`` guard), and its "fork" copies a process
that may have other threads (the server's task worker).

Encoded with ``marshal``, not JSON nor pickle: the file is read back by the same process
(same Python, same ``marshal`` version), ``marshal`` holds only plain values (strings,
numbers, tuples, lists, sets; loading never runs code, unlike pickle), and it encodes a
batch about six times and decodes it three times as fast as JSON did (the compression,
level 1, then takes most of the staging's time).
"""

import marshal
import os
import struct
import subprocess
import sys
import tempfile
import threading
import zlib
from collections.abc import Iterator, Sequence
from pathlib import Path

from labinov.library.search import index

_LENGTH = struct.Struct(">I")
#: Batches from which they are analysed in a helper process (below, starting it costs
#: more than it saves).
HELPER_FROM = 4


class HelperStopped(Exception):
    """The helper process stopped before answering every batch (killed, out of memory):
    the import fails, and the batches it wrote are undone (``actions``)."""

    def __init__(self, exit_code: int | None, reason: BaseException | None = None):
        super().__init__(f"the import's analysis process stopped (exit code {exit_code})")
        self.exit_code, self.reason = exit_code, reason


#: One analysed row: (source_id, row values and its three index texts).
Entry = tuple[str, tuple]


def _analyse(packed: bytes, columns: Sequence[str]) -> tuple[list[Entry], set[str]]:
    return index.analysed_rows(marshal.loads(zlib.decompress(packed)), columns)


def _write_message(stream, data: bytes) -> None:
    stream.write(_LENGTH.pack(len(data)))
    stream.write(data)


def _read_message(stream) -> bytes | None:
    head = stream.read(_LENGTH.size)
    if len(head) < _LENGTH.size:
        return None
    (size,) = _LENGTH.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("truncated message")
    return data


def _serve(source, sink) -> None:
    """The helper's loop: the columns, then packed batches in; analysed batches out."""
    columns = marshal.loads(_read_message(source))
    while (packed := _read_message(source)) is not None:
        _write_message(sink, marshal.dumps(_analyse(packed, columns)))
        sink.flush()


class Staging:
    """Append checked batches, then iterate over them analysed, once, in order.

    ``with Staging() as staged: staged.add(rows); for entries, written in
    staged.analysed(columns): ...``"""

    def __init__(self):
        self._file = None
        self.batches = 0

    def __enter__(self) -> "Staging":
        self._file = tempfile.TemporaryFile(prefix="labinov-import-")
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def add(self, rows: list[tuple]) -> None:
        """Keep a batch of checked rows (tuples of plain values)."""
        packed = zlib.compress(marshal.dumps(rows), 1)
        self._file.write(_LENGTH.pack(len(packed)))
        self._file.write(packed)
        self.batches += 1

    def _packed(self) -> Iterator[bytes]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.batches):
            (size,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            yield self._file.read(size)

    def analysed(self, columns: Sequence[str]) -> Iterator[tuple[list[Entry], set[str]]]:
        """Each batch analysed (``index.analysed_rows``: rows of ``columns``), in order;
        the next ones in a helper process while the caller writes this one."""
        if self.batches < HELPER_FROM or (os.cpu_count() or 1) < 2:
            for packed in self._packed():
                yield _analyse(packed, columns)
            return
        yield from _Helper(self._packed(), columns).results(self.batches)


def _command() -> list[str]:
    return [sys.executable, "-m", __name__]


class _Helper:
    """A helper process analysing batches: a thread of this process feeds it (blocking
    while it is busy: the pipes hold a batch or two), the caller reads its answers."""

    def __init__(self, packed: Iterator[bytes], columns: Sequence[str]):
        root = str(Path(index.__file__).resolve().parents[3])  # where labinov is imported from
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            _command(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": path},
        )
        self.failure: BaseException | None = None
        self.feeder = threading.Thread(
            target=self._feed, args=(packed, columns), name="import-analysis", daemon=True
        )
        self.feeder.start()

    def _feed(self, packed: Iterator[bytes], columns: Sequence[str]) -> None:
        try:
            _write_message(self.process.stdin, marshal.dumps(list(columns)))
            for data in packed:
                _write_message(self.process.stdin, data)
            self.process.stdin.close()
        except BaseException as exc:  # the helper died (broken pipe) or the reading failed
            self.failure = exc

    def results(self, count: int) -> Iterator[tuple[list[Entry], set[str]]]:
        try:
            for _ in range(count):
                data = _read_message(self.process.stdout)
                if data is None:
                    raise HelperStopped(self.process.wait(), self.failure)
                yield marshal.loads(data)
        finally:
            self.process.kill()  # done, or the import stopped: it has nothing left to do
            self.process.wait()
            self.process.stdout.close()
            self.feeder.join()


if __name__ == "__main__":
    _serve(sys.stdin.buffer, sys.stdout.buffer)
