"""Background workers that can be trusted: each one registers itself (`TaskWorker`), keeps
a heartbeat, and when one starts (and every minute after) the work claimed by a worker
that is gone (killed, crashed, its machine lost) is marked failed, with a reason.

Whether a worker is gone: on the same machine, its process is looked up (exact, at once);
on another machine, its heartbeat is older than ``LOST_AFTER`` (PostgreSQL only: SQLite
serves one machine). A task marked failed here is announced with django-tasks'
``task_finished`` signal, as the worker announces a task that raised, so that the app
that owns the task cleans up after it (library/signals.py marks its import run failed).
"""

import logging
import os
import socket
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus, task_finished
from django_tasks_db.models import DBTaskResult

from labinov.core.models import TaskWorker

logger = logging.getLogger("labinov.workers")

#: How often a worker writes its heartbeat.
HEARTBEAT_EVERY = timedelta(seconds=10)
#: How often a running worker looks for the work of stopped workers.
RECOVER_EVERY = timedelta(seconds=60)
#: A worker on another machine without a heartbeat for this long is taken as gone.
LOST_AFTER = timedelta(minutes=2)

#: Sent after the lost tasks are marked failed, so that apps can repair what their tasks
#: left behind (e.g. an import run whose task result says it ended, but the run does not).
recovered = Signal()


class WorkerLost(Exception):
    """The worker that ran a task stopped before the task ended (the exception class
    recorded on the task result, for the admin and for the task's app)."""


def process_start(pid: int) -> int | None:
    """The start time of process ``pid`` (clock ticks since boot, from /proc), or None if
    there is no such living process. Zombies (exited, not yet reaped) count as gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return None
    return int(fields[19])


def _has_proc() -> bool:
    return Path("/proc/self/stat").exists()


def process_alive(pid: int, started: int | None) -> bool:
    """Is process ``pid``, started at ``started``, still running on this machine?"""
    if _has_proc():
        now_started = process_start(pid)
        return now_started is not None and (started is None or now_started == started)
    try:  # pragma: no cover - machines without /proc
        os.kill(pid, 0)
    except ProcessLookupError:  # pragma: no cover
        return False
    except PermissionError:  # pragma: no cover - another user's process
        return True
    return True  # pragma: no cover


def is_alive(worker: TaskWorker, *, now=None) -> bool:
    if worker.stopped_at is not None:
        return False
    if worker.hostname == socket.gethostname():
        return process_alive(worker.pid, worker.process_started)
    return worker.last_seen_at >= (now or timezone.now()) - LOST_AFTER


def any_worker_alive() -> bool:
    """Is some background worker running now (for the pages that wait for one)?"""
    now = timezone.now()
    return any(is_alive(w, now=now) for w in TaskWorker.objects.filter(stopped_at=None))


def register(worker_id: str) -> TaskWorker:
    pid = os.getpid()
    worker, _created = TaskWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": pid,
            "process_started": process_start(pid) if _has_proc() else None,
            "started_at": timezone.now(),
            "last_seen_at": timezone.now(),
            "stopped_at": None,
        },
    )
    return worker


def heartbeat(worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).update(last_seen_at=timezone.now())


def stopped(worker_id: str) -> None:
    TaskWorker.objects.filter(worker_id=worker_id).update(stopped_at=timezone.now())


def _claimed_by_a_lost_worker(result: DBTaskResult, workers: dict, now) -> str | None:
    """Why ``result`` (running) has no worker any more, or None while its worker runs."""
    worker_id = result.worker_ids[-1] if result.worker_ids else ""
    worker = workers.get(worker_id)
    if worker is None:
        # A worker that never registered (an older version): given LOST_AFTER to finish.
        if result.started_at and result.started_at < now - LOST_AFTER:
            return f"worker {worker_id or '?'} is unknown and the task started long ago"
        return None
    if is_alive(worker, now=now):
        return None
    return f"worker {worker} stopped while running this task"


def recover_lost_tasks(*, own_worker_id: str = "") -> int:
    """Mark failed every running task whose worker is gone; answer how many."""
    now = timezone.now()
    running = [r for r in DBTaskResult.objects.running() if r.worker_ids[-1:] != [own_worker_id]]
    workers = {
        w.worker_id: w
        for w in TaskWorker.objects.filter(
            worker_id__in={r.worker_ids[-1] for r in running if r.worker_ids}
        )
    }
    lost = 0
    for result in running:
        reason = _claimed_by_a_lost_worker(result, workers, now)
        if reason is None:
            continue
        with transaction.atomic():
            marked = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                return_value=None,
                exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
                traceback=f"WorkerLost: {reason}\n",
            )
        if not marked:
            continue  # another worker got there first, or it ended meanwhile
        lost += 1
        logger.warning("Task id=%s (%s) marked failed: %s", result.pk, result.task_path, reason)
        result.refresh_from_db()
        try:
            task_result = result.task_result
            backend = type(result.task.get_backend())
        except Exception:  # the task's code is gone: nobody to tell
            logger.exception("Task id=%s: cannot announce its failure", result.pk)
            continue
        task_finished.send(sender=backend, task_result=task_result)
    # Workers of this machine that died without saying so are marked stopped; rows of
    # workers stopped long ago are dropped.
    for worker in TaskWorker.objects.filter(stopped_at=None, hostname=socket.gethostname()):
        if worker.worker_id != own_worker_id and not is_alive(worker, now=now):
            TaskWorker.objects.filter(pk=worker.pk).update(stopped_at=now)
    TaskWorker.objects.filter(stopped_at__lt=now - timedelta(days=7)).delete()
    recovered.send(sender=WorkerLost)
    return lost
