"""An import from the browser always ends, and its page says why: a task that raises, a
worker on another machine that stopped sending its heartbeat, a run whose task failed
without saying so, and the page of an import that waits while no worker runs. The workers
are killed for real in test_workers.py."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from labinov.core import workers
from labinov.core.models import TaskWorker
from labinov.library.models import ImportRun
from tests.library.test_views import GOOD, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def coordinator(people, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return client_for(people["coordinator"])


def run_worker():
    """`labinov db_worker --batch`: run what is queued, then stop."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def page(client, response) -> str:
    return client.get(response["Location"]).content.decode()


def claimed_by(worker_id: str, *, run: ImportRun) -> None:
    """The run's task as a worker leaves it while it imports."""
    DBTaskResult.objects.update(status="RUNNING", worker_ids=[worker_id], started_at=timezone.now())
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)


def test_a_task_that_raises_fails_its_run_with_a_message(coordinator):
    """An error nobody foresaw (here the uploaded file is gone from the storage when the
    worker reads it; a damaged XLSX did this before uploads were checked) ends the run
    failed, with a message the person can act on."""
    response = upload(coordinator, GOOD, name="hilang.csv")
    run = ImportRun.objects.get()
    run.file.storage.delete(run.file.name)
    run_worker()
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED
    assert DBTaskResult.objects.get().status == "FAILED"  # the traceback is kept there
    text = page(coordinator, response)
    assert "Gagal" in text and "(FileNotFoundError)" in text and "mulai impor lagi" in text
    assert "Traceback" not in text and 'hx-trigger="every 1s"' not in text


def test_the_work_of_a_worker_elsewhere_that_fell_silent_is_failed(coordinator):
    silent = upload(coordinator, GOOD, name="diam.csv")
    busy = upload(coordinator, GOOD, name="sibuk.csv")
    silent_run, busy_run = ImportRun.objects.order_by("pk")
    long_ago = timezone.now() - workers.LOST_AFTER - timedelta(minutes=1)
    for worker_id, run, seen in (("diam", silent_run, long_ago), ("sibuk", busy_run, None)):
        TaskWorker.objects.create(
            worker_id=worker_id,
            hostname="mesin-lain",
            pid=4242,
            last_seen_at=seen or timezone.now(),
        )
        DBTaskResult.objects.filter(args_kwargs__args=[run.pk]).update(
            status="RUNNING", worker_ids=[worker_id], started_at=timezone.now()
        )
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.RUNNING)
    run_worker()  # a worker that starts looks for the work of stopped ones
    text = page(coordinator, silent)
    assert "Gagal" in text and "Pekerja latar berhenti sebelum impor ini selesai" in text
    busy_run.refresh_from_db()
    assert busy_run.status == ImportRun.Status.RUNNING  # its worker still reports
    assert "Berjalan" in page(coordinator, busy)


def test_a_run_whose_task_failed_unnoticed_is_failed_when_a_worker_starts(coordinator):
    response = upload(coordinator, GOOD)
    DBTaskResult.objects.update(
        status="FAILED", exception_class_path="zipfile.BadZipFile", finished_at=timezone.now()
    )
    ImportRun.objects.update(status=ImportRun.Status.RUNNING)
    run_worker()
    text = page(coordinator, response)
    assert "Gagal" in text and "(BadZipFile)" in text


def test_the_page_says_when_no_worker_runs(coordinator):
    response = upload(coordinator, GOOD)
    text = page(coordinator, response)
    assert "Menunggu" in text and "tidak ada pekerja latar yang berjalan" in text
    workers.register("pekerja-ini")  # this very process, as a worker
    text = page(coordinator, response)
    assert "tidak ada pekerja latar yang berjalan" not in text
    assert "menunggu pekerja latar" in text
    workers.stopped("pekerja-ini")
    assert "tidak ada pekerja latar yang berjalan" in page(coordinator, response)


def test_an_import_whose_helper_stops_fails_with_what_to_do(coordinator, monkeypatch):
    """The helper analysing the rows is killed (here it ends at once, exit code 9): the
    import is undone and its page says what happened and what to do, in Indonesian."""
    import sys

    from labinov.library import helper, staging
    from labinov.library.models import LibraryEntry

    monkeypatch.setattr(staging, "HELPER_FROM", 1)  # even one batch is analysed apart
    monkeypatch.setattr(helper, "_command", lambda: [sys.executable, "-c", "raise SystemExit(9)"])
    response = upload(coordinator, GOOD, name="henti.csv")
    run_worker()
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert not LibraryEntry.objects.exists()
    text = page(coordinator, response)
    assert "Gagal" in text
    assert "henti.csv: proses yang menganalisis baris-baris berhenti (kode keluar 9)" in text
    assert "tidak ada yang diimpor" in text and "Traceback" not in text
