"""The parent process of `labinov serve` when it starts background workers: it runs the web
server and the workers as child processes, starts a new worker when one exits (waiting
longer each time one exits soon after its start), and on SIGTERM or SIGINT stops them all.

The web server is not restarted: gunicorn restarts its own workers, and a server that
exits (e.g. its port is taken) ends `labinov serve` with its exit code."""

import contextlib
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Sequence

from django.conf import settings

logger = logging.getLogger("labinov.serve")

#: A worker that ran this long before exiting is restarted at once.
STEADY_AFTER = 60.0
#: The longest wait before restarting a worker that keeps exiting.
MAX_DELAY = 60.0


def _die_with_parent() -> None:  # pragma: no cover - runs in the child, before exec
    """Linux: the child gets SIGTERM if this supervisor is killed without a chance to
    stop it (kill -9), so no worker or server is left behind."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Child:
    def __init__(self, name: str, args: Sequence[str]):
        self.name, self.args = name, list(args)
        self.process: subprocess.Popen | None = None
        self.started = 0.0
        self.delay = 0.0
        self.restart_at: float | None = None

    def start(self) -> None:
        # In a process group of its own: a Ctrl-C in the terminal reaches the supervisor
        # only, which stops each child once (a second signal would cut a worker's task).
        self.process = subprocess.Popen(
            self.args,
            process_group=0,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.started = time.monotonic()
        self.restart_at = None
        logger.info("Started %s (pid %s).", self.name, self.process.pid)

    def exited(self) -> int | None:
        if self.process is None or self.restart_at is not None:
            return None
        return self.process.poll()

    def schedule_restart(self, code: int) -> None:
        ran = time.monotonic() - self.started
        self.delay = 1.0 if ran >= STEADY_AFTER else min(max(self.delay * 2, 1.0), MAX_DELAY)
        self.restart_at = time.monotonic() + self.delay
        logger.warning(
            "%s (pid %s) exited with code %s after %.0f s; starting a new one in %.0f s.",
            self.name,
            self.process.pid,
            code,
            ran,
            self.delay,
        )


class Supervisor:
    def __init__(self, *, web: Sequence[str], worker: Sequence[str], workers: int):
        self.web = Child("the web server", web)
        self.workers = [Child(f"background worker {n + 1}", worker) for n in range(workers)]
        self.stopping = False

    def _stop_signal(self, signum, frame) -> None:
        logger.info("Received %s: stopping.", signal.strsignal(signum))
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self._stop_signal)
        signal.signal(signal.SIGINT, self._stop_signal)
        for child in [self.web, *self.workers]:
            child.start()
        code = 0
        try:
            while not self.stopping:
                web_code = self.web.exited()
                if web_code is not None:
                    logger.error("The web server exited with code %s: stopping.", web_code)
                    code = web_code or 1
                    break
                for worker in self.workers:
                    worker_code = worker.exited()
                    if worker_code is not None:
                        worker.schedule_restart(worker_code)
                    elif worker.restart_at is not None and time.monotonic() >= worker.restart_at:
                        worker.start()
                time.sleep(0.2)
        finally:
            self.stop()
        return code

    def stop(self) -> None:
        """SIGTERM to every child: the web server stops gracefully, a worker finishes its
        task. A worker still busy after ``settings.WORKER_STOP_SECONDS`` gets a second
        SIGTERM, which ends its task as failed (the user reads that the worker stopped);
        what still runs after as long again is killed."""
        children = [c.process for c in [self.web, *self.workers] if c.process is not None]
        workers = [c.process for c in self.workers if c.process is not None]
        self._signal(children, signal.SIGTERM)
        self._wait(children, settings.WORKER_STOP_SECONDS)
        self._signal(workers, signal.SIGTERM)
        self._wait(children, settings.WORKER_STOP_SECONDS)
        for process in children:
            if process.poll() is None:
                logger.warning("pid %s did not stop: killed.", process.pid)
                process.kill()
                process.wait()

    @staticmethod
    def _signal(processes, signum) -> None:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signum)

    @staticmethod
    def _wait(processes, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for process in processes:
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=max(0.0, deadline - time.monotonic()))
