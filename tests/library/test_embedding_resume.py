"""Embedding the knowledge base after a bulk import: a background worker does it at low
priority, a batch at a time, its progress on the import page and the API; a worker killed
mid-way leaves what it embedded, and the next worker embeds only the rest (issue 13).
Real processes (the web server, `labinov db_worker`), as test_workers.py."""

import contextlib
import os
import re
import signal
import socket

import pytest
import requests

from labinov.core.background import niceness
from labinov.library.search import embeddings
from tests.library.processes import Database, Person, Processes, wait_for, write_csv

#: Enough entries that the worker is still embedding them when it is killed (a batch is
#: 256 entries); the test kills it as soon as the first batches are written.
ROWS = 3000

pytestmark = pytest.mark.skipif(
    not embeddings.enabled(), reason="needs the optional sentence-embedding package"
)


@pytest.fixture(scope="module")
def database(tmp_path_factory, django_db_blocker):
    with django_db_blocker.unblock():
        db = Database(tmp_path_factory.mktemp("embedding"), name="embedding")
    yield db
    db.drop()


@pytest.fixture
def processes(database, tmp_path):
    procs = Processes(database, tmp_path)
    yield procs
    procs.stop_all()


def web(processes: Processes) -> str:
    """The web server alone, without `labinov serve`'s collectstatic (minutes on a busy
    machine, and nothing here needs static files): Django's server, static files as they
    are (DEBUG), in the web process only; the workers run as in production."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = processes.start(
        "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}",
        name="web", extra_env={"DEBUG": "1"},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"

    def answers():
        assert server.poll() is None, server.log.read_text()
        # The first request loads the whole app: on a busy machine, more than a timeout.
        with contextlib.suppress(requests.RequestException):
            return requests.get(f"{url}/api/v1/health", timeout=30).status_code == 200

    wait_for(answers, "the web server to answer", log=server.log)
    return url


def progress(person: Person) -> dict:
    response = person.session.get(f"{person.url}/api/v1/library/embeddings", timeout=30)
    assert response.status_code == 200, response.text[:2000]
    return response.json()


def page_text(person: Person) -> str:
    html = person.session.get(f"{person.url}/pustaka/impor/", timeout=30).text
    section = html.split('aria-labelledby="embedding-heading"')[1].split("</section>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)).strip()


def test_a_worker_killed_mid_embedding_leaves_its_batches_and_the_next_embeds_the_rest(
    processes, tmp_path
):
    url = web(processes)
    first = processes.start("db_worker", "--no-reload", name="worker-1")
    person = Person(url)
    run = person.upload(write_csv(tmp_path / "besar.csv", ROWS, prefix="embed"))
    person.until(run, "Selesai", "the import to be done", log=first.log)

    def embedding_under_way():
        state = progress(person)
        running = [r for r in state["runs"] if r["status"] == "berjalan"]
        return state if running and 0 < running[0]["embedded"] < ROWS else None

    state = wait_for(embedding_under_way, "the worker to embed its first batches", log=first.log)
    # Bulk work runs at the lowest priority, so that the web server gets the CPU first.
    assert niceness(first.pid) == 19
    assert state["entries"] == ROWS and 0 < state["embedded"] < ROWS
    assert state["estimated_end"]
    shown = page_text(person)
    assert f"dari {ROWS} entri" in shown and "Perkiraan selesai" in shown

    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    kept = progress(person)["embedded"]  # every batch written before the kill stays
    assert 0 < kept < ROWS

    second = processes.start("db_worker", "--no-reload", name="worker-2")

    def done():
        state = progress(person)
        return state if state["runs"][0]["status"] == "selesai" else None

    state = wait_for(done, "the next worker to embed the rest", log=second.log)
    assert state["embedded"] == ROWS and state["missing"] == 0
    resumed, stopped = state["runs"][0], state["runs"][1]
    assert resumed["missing_at_start"] == ROWS - kept
    assert resumed["embedded"] == ROWS - kept  # only the rest, nothing twice
    assert stopped["status"] == "gagal"
    assert "Pekerja latar berhenti" in stopped["message"]
    shown = page_text(person)
    assert f"{ROWS} dari {ROWS} entri" in shown
    assert "Pekerja latar berhenti" in shown
