"""Background workers that stop (killed, crashed, a busy database) through real processes:
`labinov serve`, `labinov db_worker`, and a person using the pages over HTTP."""

import os
import signal

import pytest

from tests.library.processes import (
    Database,
    Person,
    Processes,
    wait_for,
    worker_children,
    write_csv,
)

#: A file large enough that the worker is still busy with it when it is killed: the test
#: kills the worker as soon as the page says the import runs (a few seconds of work).
LARGE_ROWS = 60_000

STOPPED = "Pekerja latar berhenti sebelum impor ini selesai"


@pytest.fixture(scope="module")
def database(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        db = Database(tmp_path_factory.mktemp("processes"))
    yield db
    db.drop()


@pytest.fixture
def processes(database, tmp_path):
    procs = Processes(database, tmp_path)
    yield procs
    procs.stop_all()


def _running(person, run_url):
    status = person.status(run_url)
    assert "Gagal" not in status and "Selesai" not in status, status
    return "Berjalan" in status


def test_a_worker_killed_mid_import_fails_the_run_with_a_reason_and_the_next_one_runs(
    processes, tmp_path
):
    _server, url = processes.serve(task_workers=0)
    worker = processes.start("db_worker", "--no-reload", name="worker-1")
    person = Person(url)
    large = person.upload(write_csv(tmp_path / "besar.csv", LARGE_ROWS, prefix="besar"))
    wait_for(lambda: _running(person, large), "the large import to run", log=worker.log)

    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    status = person.status(large)
    assert "Berjalan" in status  # nobody has noticed yet, but the page says why it waits:
    assert "tidak ada pekerja latar yang berjalan" in status

    second = processes.start("db_worker", "--no-reload", name="worker-2")
    status = person.until(
        large, "Gagal", "the interrupted import to be marked failed", log=second.log
    )
    assert STOPPED in status and "mulai impor lagi" in status.lower()
    small = person.upload(write_csv(tmp_path / "kecil.csv", 3, prefix="kecil"))
    status = person.until(small, "Selesai", "the next import to be done", log=second.log)
    assert "3 ditambahkan" in status


def test_serve_starts_a_new_worker_when_its_worker_is_killed(processes, tmp_path):
    # A stopping server gives its busy worker half a second (8 by default), so that the
    # import cut short at the end is cut short however fast this machine imports.
    server, url = processes.serve(task_workers=1, extra_env={"LABINOV_WORKER_STOP_SECONDS": "0.5"})
    (first,) = wait_for(lambda: worker_children(server.pid), "serve's worker")
    person = Person(url)
    large = person.upload(write_csv(tmp_path / "besar.csv", LARGE_ROWS, prefix="serve"))
    wait_for(lambda: _running(person, large), "the large import to run", log=server.log)

    os.kill(first, signal.SIGKILL)
    (second,) = wait_for(
        lambda: [p for p in worker_children(server.pid) if p != first],
        "serve to start a new worker",
        log=server.log,
    )
    assert first not in worker_children(server.pid)
    assert "exited with code -9" in server.log.read_text()
    status = person.until(
        large, "Gagal", "the interrupted import to be marked failed", log=server.log
    )
    assert STOPPED in status
    small = person.upload(write_csv(tmp_path / "kecil.csv", 2, prefix="serve-kecil"))
    status = person.until(
        small, "Selesai", "the next import to be done by the new worker", log=server.log
    )
    assert "2 ditambahkan" in status

    # Stopping the server while its worker imports: the worker stops with it, and the
    # import ends failed at once (no worker runs after, to notice it later).
    cut = person.upload(write_csv(tmp_path / "besar-2.csv", LARGE_ROWS, prefix="henti"))
    wait_for(lambda: _running(person, cut), "the second large import to run", log=server.log)
    os.kill(server.pid, signal.SIGTERM)
    assert server.wait(timeout=120) == 0
    assert not worker_children(server.pid)
    with pytest.raises(ProcessLookupError):
        os.kill(second, 0)
    _again, url = processes.serve(task_workers=0)
    person = Person(url)
    status = person.status(cut.replace(cut.split("/pustaka/")[0], url))
    assert "Gagal" in status and STOPPED in status


def test_a_worker_waits_out_a_database_locked_longer_than_its_timeout(
    database, processes, tmp_path
):
    if database.postgres:
        pytest.skip("SQLite only: on PostgreSQL a worker's claim skips locked rows, no wait")
    _server, url = processes.serve(task_workers=0)
    # The worker gives up on a lock after 1 s (20 s by default), so that the lock held
    # below, as a long `labinov import-library` holds it, outlasts that many times over.
    worker = processes.start(
        "db_worker", "--no-reload", name="worker", extra_env={"LABINOV_SQLITE_BUSY_TIMEOUT": "1"}
    )
    person = Person(url)
    with database.write_lock():

        def waits_out_the_lock():
            assert worker.poll() is None, "the worker exited:\n" + worker.log.read_text()
            return worker.log.read_text().count("the database is busy") >= 2

        wait_for(waits_out_the_lock, "the worker to meet the lock twice", log=worker.log)
    run = person.upload(write_csv(tmp_path / "kecil.csv", 2, prefix="kunci"))
    status = person.until(
        run, "Selesai", "the import to be done once the lock is released", log=worker.log
    )
    assert "2 ditambahkan" in status
    assert worker.poll() is None
