"""A second process for the pure-Python analysis of many texts, beside the one that
writes them.

An import writes batches of rows (database work) that must first be analysed into
search terms, and the embedded index writes entries (tantivy's work) that must first be
given their concept terms: both analyses are Python, a core's worth of work that would
otherwise run before the writing instead of beside it on the machine's other core.
``ahead(job, args, inputs)`` answers each input's result, in order, computed in a
helper process a few inputs ahead of the caller, who meanwhile writes the ones before.

The helper is this module run as a program (``python -m labinov.library.helper``): it
starts from nothing, imports only the analysis, reads inputs on its input and answers
them on its output. Not ``multiprocessing``: its "spawn" runs the calling program's
main script again in the child (fatal for a script without a ``__main__`` guard), and
its "fork" copies a process that may have other threads (the server's task worker).
Inputs and results cross the pipes encoded with ``marshal`` (plain values only;
decoding never runs code), read by the same Python. A job may also be given open files
of the caller (``start(..., pass_fds=...)``): an import's helper reads the checked rows
from the staging file and writes its results to a file beside it (``staging``).

A thread of the calling process feeds the helper, so that the caller never blocks
writing while the helper blocks answering; the caller reads an answer whenever more
than ``AHEAD`` inputs are waiting for one, which bounds what the pipes and the feeder's
queue hold.
"""

import marshal
import os
import queue
import struct
import subprocess
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

_LENGTH = struct.Struct(">I")
#: Inputs the helper may be given ahead of the one the caller waits for.
AHEAD = 2
_END = object()


def _jobs() -> dict[str, Callable]:
    """The work a helper does, by name: functions of (input, *args), pure (no database,
    no settings), whose inputs and results are plain values."""
    from labinov.library import staging
    from labinov.library.search import index

    return {"analyse_staged": staging.analyse_staged, "document_texts": index.document_texts}


class HelperStopped(Exception):
    """The helper process stopped before answering every input (killed, out of memory):
    the work it was part of fails (an import undoes the batches it wrote)."""

    def __init__(self, exit_code: int | None, reason: BaseException | None = None):
        super().__init__(f"the analysis helper process stopped (exit code {exit_code})")
        self.exit_code, self.reason = exit_code, reason


def start(job: str, args: tuple, *, pass_fds: tuple[int, ...] = (), nice: int = 0) -> "_Helper":
    """A helper process doing ``job``: ``send`` it inputs, ``receive`` their results in
    order, ``close`` it. ``pass_fds``: files of this process it may use, by the same
    numbers (given in ``args``). ``nice``: how much lower than this process's its
    priority is (``os.nice``), for work that should only take a core nobody else needs."""
    return _Helper(job, args, pass_fds=pass_fds, nice=nice)


def ahead(job: str, args: tuple, inputs: Iterable, *, apart: bool = True) -> Iterator[tuple]:
    """(input, its result) for each input, in order. ``apart``: in a helper process, when
    the machine has a second core (else, and for few inputs, here: starting the helper
    costs about a tenth of a second)."""
    if not apart or (os.cpu_count() or 1) < 2:
        work = _jobs()[job]
        for item in inputs:
            yield item, work(item, *args)
        return
    helper = _Helper(job, args)
    try:
        waiting = deque()
        for item in inputs:
            helper.send(item)
            waiting.append(item)
            if len(waiting) > AHEAD:
                yield waiting.popleft(), helper.receive()
        while waiting:
            yield waiting.popleft(), helper.receive()
    finally:
        helper.close()


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


def _command() -> list[str]:
    return [sys.executable, "-m", __name__]


class _Helper:
    def __init__(self, job: str, args: tuple, *, pass_fds: tuple[int, ...] = (), nice: int = 0):
        root = str(Path(__file__).resolve().parents[2])  # where labinov is imported from
        path = os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
        self.process = subprocess.Popen(
            [*_command(), *([f"--nice={int(nice)}"] if nice else [])],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            pass_fds=pass_fds,
            env={**os.environ, "PYTHONPATH": path},
        )
        self.inputs: queue.SimpleQueue = queue.SimpleQueue()
        self.inputs.put(marshal.dumps((job, args)))
        self.failure: BaseException | None = None
        self.feeder = threading.Thread(target=self._feed, name="analysis-helper", daemon=True)
        self.feeder.start()

    def _feed(self) -> None:
        try:
            while (data := self.inputs.get()) is not _END:
                _write_message(self.process.stdin, data)
                self.process.stdin.flush()
            self.process.stdin.close()
        except BaseException as exc:  # the helper died: its pipe broke
            self.failure = exc

    def send(self, item) -> None:
        self.inputs.put(marshal.dumps(item))

    def receive(self):
        """The next input's result. Raises ``HelperStopped`` if the helper stopped, and
        the ``OSError`` a job met (a full disk) as if it had happened here."""
        data = _read_message(self.process.stdout)
        if data is None:
            raise HelperStopped(self.process.wait(), self.failure)
        done, result = marshal.loads(data)
        if not done:
            raise OSError(*result)
        return result

    def close(self) -> None:
        self.inputs.put(_END)
        self.process.kill()  # done, or the caller stopped: it has nothing left to do
        self.process.wait()
        self.process.stdout.close()
        self.feeder.join()


def _serve(source, sink) -> None:
    """The helper's loop: the job and its arguments, then inputs in, results out, each as
    (True, result), or (False, (errno, message)) for an ``OSError`` of the job; anything
    else stops the helper."""
    job, args = marshal.loads(_read_message(source))
    work = _jobs()[job]
    while (data := _read_message(source)) is not None:
        try:
            answer = (True, work(marshal.loads(data), *args))
        except OSError as exc:
            answer = (False, (exc.errno, exc.strerror or str(exc)))
        _write_message(sink, marshal.dumps(answer))
        sink.flush()


if __name__ == "__main__":
    for argument in sys.argv[1:]:
        if argument.startswith("--nice="):
            os.nice(int(argument.removeprefix("--nice=")))
    _serve(sys.stdin.buffer, sys.stdout.buffer)
