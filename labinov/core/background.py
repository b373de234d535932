"""Bulk background work that never starves requests: the worker that does it lowers its
own priority (every thread of the process, including those of a numerical library), so
that the operating system gives the CPU to the web server whenever both want it."""

import os
from pathlib import Path

from django.conf import settings


def lower_priority(niceness: int | None = None) -> int:
    """Raise the niceness of every thread of this process to at least ``niceness``
    (``settings.BACKGROUND_NICE``); answers how many threads it lowered. A niceness
    cannot be lowered back without privileges, so a worker that did bulk work once stays
    at low priority: it is a background worker, the web server runs elsewhere.

    Linux gives each thread its own niceness: all of /proc/self/task are lowered, and
    threads started after inherit it from the thread that starts them."""
    wanted = settings.BACKGROUND_NICE if niceness is None else niceness
    try:
        threads = [int(t) for t in os.listdir("/proc/self/task")]
    except OSError:  # pragma: no cover - no /proc: the calling thread only
        threads = [0]
    lowered = 0
    for tid in threads:
        try:
            if os.getpriority(os.PRIO_PROCESS, tid) < wanted:
                os.setpriority(os.PRIO_PROCESS, tid, wanted)
                lowered += 1
        except OSError:  # the thread ended meanwhile, or it is not ours to change
            continue
    return lowered


def in_a_worker(backend: str = "default") -> bool:
    """Whether the task backend runs tasks in worker processes of their own, not inline in
    the process that queued them (the immediate backend)."""
    configured = settings.TASKS.get(backend, {}).get("BACKEND", "")
    return not configured.endswith(".ImmediateBackend")


def niceness(pid: int | str = "self") -> int:
    """The niceness of a process's main thread, from /proc (for tests and the admin)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return int(stat.rsplit(")", 1)[1].split()[16])
