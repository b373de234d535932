"""Writing while a large import runs, on a real SQLite file, through a real server.

A large import used to write its rows in one transaction, holding SQLite's write lock for
as long as it wrote: people's writes meanwhile waited out the busy timeout and answered
500 "database is locked" (issue 9, finding 9). The import now writes in short
transactions, all or nothing through its undo records (``library/undo.py``), and a write
that still finds the database locked answers 503 with Retry-After (``core/busy.py``).

The server runs with a busy timeout of 2 s (``LABINOV_SQLITE_BUSY_TIMEOUT``) so that a long
lock shows at once; the import files are generated (``bench/generate.py``: ids
``generated-…``, names "Generated …").
"""

import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from bench.generate import generate
from bench.load import Client
from tests.cli import LABINOV, run

pytestmark = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    # They run their own SQLite installation whatever the suite's database: once is enough.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="SQLite's single writer, tested with the SQLite run of the suite",
    ),
]


@pytest.fixture(scope="module")
def demo_installation(tmp_path_factory):
    """A migrated SQLite database with the demo region, made once and copied per test."""
    base = tmp_path_factory.mktemp("demo-installation")
    env = _env(base)
    run("migrate", "--noinput", env=env, timeout=600)
    run("demo", env=env, timeout=600)
    return base / "labinov.sqlite3"


def _env(folder, **extra):
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'labinov.sqlite3'}",
        "LABINOV_DATA_DIR": str(folder / "data"),
        "SECRET_KEY": "import-concurrency-" + "x" * 40,
        "LABINOV_EMBEDDINGS": "off",
        "LABINOV_SQLITE_BUSY_TIMEOUT": "2",
        **extra,
    }


@pytest.fixture
def installation(demo_installation, tmp_path):
    shutil.copy(demo_installation, tmp_path / "labinov.sqlite3")
    return tmp_path, _env(tmp_path)


def _query(folder, sql, params=()):
    with sqlite3.connect(folder / "labinov.sqlite3", timeout=60) as db:
        return db.execute(sql, params).fetchall()


@pytest.fixture
def server(installation):
    env = installation[1]
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    process = subprocess.Popen(
        [str(LABINOV), "serve", "--port", str(port), "--workers", "2", "--task-workers", "0"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=5):
                    break
            except OSError:
                assert process.poll() is None, "labinov serve stopped"
                time.sleep(0.3)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def _innovation(folder) -> int:
    return _query(folder, "SELECT id FROM innovations_innovation ORDER BY id LIMIT 1")[0][0]


def _comment(client, innovation, text):
    """Post a comment as a person does: a 503 asks to try again after Retry-After."""
    statuses = []
    while True:
        status, body, headers = client.post(f"/inovasi/{innovation}/komentar/", {"text": text})
        statuses.append(status)
        if status != 503:
            return statuses, body
        time.sleep(float(headers["Retry-After"]))


def test_comments_go_in_while_a_large_import_writes(installation, server):
    folder, env = installation
    data = folder / "generated.csv"
    generate(40_000, data)
    innovation = _innovation(folder)
    client = Client(server)
    client.login("demo-koordinator")
    importer = subprocess.Popen(
        [str(LABINOV), "import-library", str(data), "--json"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    posted, statuses = [], []
    while importer.poll() is None:
        text = f"Komentar selama impor nomor {len(posted) + 1}"
        answered, body = _comment(client, innovation, text)
        statuses += answered
        assert answered[-1] == 200, (answered, body[:500])
        posted.append(text)
    out, _err = importer.communicate()
    assert importer.returncode == 0
    assert json.loads(out)["created"] == 40_000
    assert 500 not in statuses
    assert set(statuses) <= {200, 503}
    landed = {
        text
        for (text,) in _query(
            folder, "SELECT text FROM lab_comment WHERE text LIKE 'Komentar selama impor%'"
        )
    }
    assert landed == set(posted) and posted


def test_a_locked_database_answers_503_with_retry_after_not_500(installation, server):
    """The last resort: a write that finds the database locked past the busy timeout is
    told, in Indonesian, to try again (page and API), and lands when it does."""
    folder = installation[0]
    innovation = _innovation(folder)
    client = Client(server)
    client.login("demo-admin")
    client.request("/akun/")
    holder = sqlite3.connect(folder / "labinov.sqlite3", timeout=60, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holding the lock for long
    try:
        status, body, headers = client.post(
            f"/inovasi/{innovation}/komentar/", {"text": "Komentar saat basis data terkunci"}
        )
        assert status == 503
        assert headers["Retry-After"] == "5"
        page = body.decode()
        assert "Server sedang sibuk" in page and "coba lagi" in page
        assert "Traceback" not in page and "OperationalError" not in page
        request = urllib.request.Request(
            server + "/api/v1/tokens",
            data=json.dumps({"name": "uji"}).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": client.csrf()},
        )
        try:
            client.opener.open(request, timeout=60)
            raise AssertionError("the API answered a write while the database was locked")
        except urllib.error.HTTPError as exc:
            assert exc.code == 503
            assert exc.headers["Retry-After"] == "5"
            answer = json.loads(exc.read())
            assert answer["code"] == "busy" and "coba lagi" in answer["message"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    statuses, _body = _comment(client, innovation, "Komentar saat basis data terkunci")
    assert statuses == [200]
    assert _query(
        folder, "SELECT count(*) FROM lab_comment WHERE text = 'Komentar saat basis data terkunci'"
    ) == [(1,)]


def _start_import(env, path):
    return subprocess.Popen(
        [str(LABINOV), "import-library", str(path)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_until_writing(folder, importer):
    """Until the import has written a few batches (beyond the 2,000 rows there before)."""
    while not len(_generated(folder)) >= 6000:
        assert importer.poll() is None, "the import ended before it was interrupted"
        time.sleep(0.05)


def _generated(folder):
    return dict(
        _query(
            folder,
            "SELECT source_id, name FROM library_libraryentry WHERE source_id LIKE 'generated-%'",
        )
    )


def _first_rows_renamed(folder, rows):
    """The first ``rows`` of a generated file, names changed: imported before the big one,
    which then updates them."""
    data = folder / "generated.csv"
    generate(20_000, data)
    lines = data.read_text(encoding="utf-8").splitlines(keepends=True)
    before = folder / "before.csv"
    before.write_text(
        lines[0] + "".join(line.replace("Generated", "Purwarupa", 1) for line in lines[1:rows]),
        encoding="utf-8",
    )
    return data, before


def test_an_import_interrupted_midway_takes_back_every_row_it_wrote(installation):
    folder, env = installation
    data, before = _first_rows_renamed(folder, 2001)
    run("import-library", str(before), env=env, timeout=300)
    old = _generated(folder)
    assert len(old) == 2000
    entries = _query(folder, "SELECT count(*) FROM library_libraryentry")[0][0]
    importer = _start_import(env, data)
    _wait_until_writing(folder, importer)
    assert len(_generated(folder)) > 2000  # its first batches are visible while it writes
    importer.send_signal(signal.SIGINT)  # Ctrl-C
    assert importer.wait(timeout=300) != 0
    assert _generated(folder) == old  # nothing new, the updated rows as they were
    assert _query(folder, "SELECT count(*) FROM library_libraryentry")[0][0] == entries
    assert _query(folder, "SELECT count(*) FROM library_importundo") == [(0,)]
    assert _query(folder, "SELECT count(*) FROM library_importwriting") == [(0,)]
    # The search index holds the rows as they were: the old names are found, not the new.
    fts = (
        "SELECT count(*) FROM library_fts JOIN library_libraryentry e ON e.id = library_fts.rowid"
        " WHERE library_fts MATCH ? AND e.source_id LIKE 'generated-%'"
    )
    assert _query(folder, fts, ("index_name:purwarupa",)) == [(2000,)]
    assert _query(folder, fts, ("index_name:generated",)) == [(0,)]


def test_an_import_killed_midway_is_undone_by_the_next_import(installation):
    folder, env = installation
    data, before = _first_rows_renamed(folder, 2001)
    run("import-library", str(before), env=env, timeout=300)
    old = _generated(folder)
    importer = _start_import(env, data)
    _wait_until_writing(folder, importer)
    importer.kill()  # the process dies without a chance to undo anything
    importer.wait(timeout=60)
    assert len(_generated(folder)) > 2000
    # Ten minutes later (library/undo.py: STALE), its heartbeat is old.
    _query(folder, "UPDATE library_importwriting SET heartbeat_at = '2000-01-01 00:00:00'")
    one = folder / "one.csv"
    one.write_text(
        "source_id,name,region\nsatu-baris,Inovasi Satu Baris,Kabupaten Purbalingga\n",
        encoding="utf-8",
    )
    run("import-library", str(one), env=env, timeout=300)
    assert _generated(folder) == old
    assert _query(folder, "SELECT count(*) FROM library_importwriting") == [(0,)]
    assert _query(
        folder, "SELECT count(*) FROM library_libraryentry WHERE source_id = 'satu-baris'"
    ) == [(1,)]
