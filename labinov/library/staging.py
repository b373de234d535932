"""Where an import keeps its analysed rows between reading a file and writing it.

An import reads, checks and analyses every row before it writes any (``actions``), so that
a file with a bad row writes nothing and the database's write lock is taken only for the
writing. The analysed batches would not fit in memory for a large file, so they go to a
temporary file of the process: each batch encoded and compressed, read back once in
order. The file has no name on disk (``tempfile.TemporaryFile``): whatever happens to the
process, nothing is left behind to clean up.

Encoded with ``marshal``, not JSON nor pickle: the file is read back by the same process
(same Python, same ``marshal`` version), ``marshal`` holds only plain values (strings,
numbers, tuples, lists, sets; loading never runs code, unlike pickle), and it encodes a
batch about six times and decodes it three times as fast as JSON did (the compression,
level 1, then takes most of the staging's time; see docs/benchmarks.md, "Knowledge base:
speed").
"""

import marshal
import struct
import tempfile
import zlib
from collections.abc import Iterator

_LENGTH = struct.Struct(">I")

#: One staged row: (source_id, row values), as ``actions`` builds it.
Entry = tuple[str, tuple]


class Staging:
    """Append analysed batches, then iterate over them once, in order.

    ``with Staging() as staged: staged.add(entries, written); for entries, written in
    staged: ...``"""

    def __init__(self):
        self._file = None
        self.batches = 0

    def __enter__(self) -> "Staging":
        self._file = tempfile.TemporaryFile(prefix="labinov-import-")
        return self

    def __exit__(self, *exc) -> None:
        self._file.close()

    def add(self, entries: list[Entry], written: set[str]) -> None:
        data = marshal.dumps((entries, written))
        packed = zlib.compress(data, 1)
        self._file.write(_LENGTH.pack(len(packed)))
        self._file.write(packed)
        self.batches += 1

    def __iter__(self) -> Iterator[tuple[list[Entry], set[str]]]:
        self._file.flush()
        self._file.seek(0)
        for _ in range(self.batches):
            (size,) = _LENGTH.unpack(self._file.read(_LENGTH.size))
            entries, written = marshal.loads(zlib.decompress(self._file.read(size)))
            yield entries, written
