"""`labinov db_worker`: django-tasks-db's worker, made to last.

The upstream worker exits when its database is busy for longer than the busy timeout
(SQLite "database is locked" while a long `labinov import-library` holds the write lock)
or unreachable for a moment (PostgreSQL restarting): then nothing runs the imports started
in the browser. This worker waits and tries again instead, keeps a heartbeat, and marks
failed the tasks of workers that are gone (labinov/core/workers.py)."""

import contextlib
import logging
import os
import threading
import time

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader
from django_tasks_db.management.commands import db_worker as upstream

from labinov.core import workers

logger = logging.getLogger("labinov.workers")

#: Errors of a busy or unreachable database, waited out instead of ending the worker.
TRANSIENT = (OperationalError, InterfaceError)


class Backoff:
    """1, 2, 4 ... up to 30 seconds; back to 1 after a minute without trouble."""

    def __init__(self):
        self.delay = 0.0
        self.last = 0.0

    def next(self) -> float:
        now = time.monotonic()
        self.delay = 1.0 if now - self.last > 60 else min(self.delay * 2 or 1.0, 30.0)
        self.last = now
        return self.delay


class Worker(upstream.Worker):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._stop = threading.Event()

    def _retrying(self, what: str, action):
        """Run ``action`` until the database lets it (a signal still stops the worker)."""
        backoff = Backoff()
        while True:
            try:
                return action()
            except TRANSIENT as exc:
                delay = backoff.next()
                logger.warning(
                    "Worker %s: the database is busy or unreachable (%s) while %s; "
                    "trying again in %.0f s.",
                    self.worker_id,
                    exc,
                    what,
                    delay,
                )
                connection.close()
                time.sleep(delay)

    def _recover(self) -> None:
        lost = workers.recover_lost_tasks(own_worker_id=self.worker_id)
        if lost:
            logger.warning(
                "Worker %s: %s task(s) of stopped workers marked failed.", self.worker_id, lost
            )

    def _keep_watch(self) -> None:
        """Thread: the heartbeat, and now and then the look for lost work. Errors are
        logged and the next round tries again."""
        every = workers.HEARTBEAT_EVERY.total_seconds()
        rounds_per_recovery = max(1, round(workers.RECOVER_EVERY / workers.HEARTBEAT_EVERY))
        rounds = 0
        while not self._stop.wait(every):
            rounds += 1
            try:
                workers.heartbeat(self.worker_id)
                if rounds % rounds_per_recovery == 0:
                    self._recover()
            except DatabaseError as exc:
                logger.info("Worker %s: heartbeat skipped (%s).", self.worker_id, exc)
            except Exception:
                logger.exception("Worker %s: the look for lost work failed.", self.worker_id)
            finally:
                connection.close()

    def run(self) -> None:
        self._retrying("registering", lambda: workers.register(self.worker_id))
        self._retrying("looking for the work of stopped workers", self._recover)
        watch = threading.Thread(target=self._keep_watch, name="heartbeat", daemon=True)
        watch.start()
        backoff = Backoff()
        try:
            while True:
                try:
                    super().run()
                    return
                except TRANSIENT as exc:
                    # The upstream loop ends on an error that it does not expect, e.g.
                    # when BEGIN itself times out on a locked SQLite database.
                    if not self.running:
                        return
                    delay = backoff.next()
                    logger.warning(
                        "Worker %s: the database is busy or unreachable (%s); "
                        "trying again in %.0f s.",
                        self.worker_id,
                        exc,
                        delay,
                    )
                    connection.close()
                    self.startup_delay = False
                    time.sleep(delay)
        finally:
            self._stop.set()
            # If this fails, the next worker to start finds this one gone all the same.
            with contextlib.suppress(DatabaseError):
                workers.stopped(self.worker_id)

    def run_task(self, db_task_result) -> None:
        try:
            super().run_task(db_task_result)
        except DatabaseError as exc:
            # The task ran, but its outcome could not be written (the database stayed
            # busy through the upstream retries): write it as failed once it lets us, so
            # that the task does not stay "running" under a worker that is alive.
            logger.warning(
                "Worker %s: the outcome of task id=%s could not be saved (%s).",
                self.worker_id,
                db_task_result.id,
                exc,
            )
            self._retrying("saving a task's outcome", lambda e=exc: db_task_result.set_failed(e))
            self._retrying(
                "announcing a task's outcome",
                lambda: upstream.task_finished.send(
                    sender=type(db_task_result.task.get_backend()),
                    task_result=db_task_result.task_result,
                ),
            )


class Command(upstream.Command):
    help = (
        "Run a background worker for the imports started in the browser: it waits out a "
        "busy database and marks failed the work of workers that stopped."
    )

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        reload,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ):
        self.configure_logging(verbosity)
        if not logging.getLogger("labinov.workers").hasHandlers():
            logging.getLogger("labinov.workers").addHandler(logging.StreamHandler(self.stdout))
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise upstream.CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = Worker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        if reload and not batch:
            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
