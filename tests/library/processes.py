"""Real `labinov` processes (the web server, background workers) on a database of their
own, and a person who uses them through HTTP, for the tests of background work that
must survive processes that stop (test_workers.py)."""

import contextlib
import os
import re
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import psycopg
import requests
from django.conf import settings

from tests.cli import LABINOV, run

PASSWORD = "kata-sandi-uji-panjang"


def wait_for(condition, what: str, *, timeout: float = 180.0, log: Path | None = None):
    """Wait until ``condition()`` answers something true and answer it. The deadline only
    keeps a broken test from hanging; nothing is asserted about how long it took."""
    deadline = time.monotonic() + timeout
    while True:
        found = condition()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(
                f"gave up waiting for {what}" + (f"\n{log.read_text()[-4000:]}" if log else "")
            )
        time.sleep(0.2)


class Database:
    """A migrated database for the processes: a SQLite file, or a PostgreSQL database next
    to the suite's when the suite runs on PostgreSQL (the processes cannot see the suite's
    test database, which is in memory on SQLite)."""

    def __init__(self, folder: Path, name: str = "processes"):
        suite = settings.DATABASES["default"]
        self.postgres = suite["ENGINE"].endswith("postgresql")
        if self.postgres:
            self.server = {
                "host": suite["HOST"] or "127.0.0.1",
                "port": suite["PORT"] or 5432,
                "user": suite["USER"],
                "password": suite["PASSWORD"] or None,
            }
            self.name = f"{suite['NAME']}_{name}"
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self._admin(f'CREATE DATABASE "{self.name}"')
            password = f":{suite['PASSWORD']}" if suite["PASSWORD"] else ""
            url = (
                f"postgres://{suite['USER']}{password}@{self.server['host']}:"
                f"{self.server['port']}/{self.name}"
            )
        else:
            self.path = folder / f"{name}.sqlite3"
            url = f"sqlite:///{self.path}"
        self.env = {
            **os.environ,
            "DATABASE_URL": url,
            "LABINOV_DATA_DIR": str(folder / "data"),
            "SECRET_KEY": "processes-test-" + "x" * 40,
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
        }
        run("migrate", "--noinput", env=self.env, timeout=600)
        run(
            "createsuperuser", "--noinput", "--username", "admin", "--email", "a@uji.invalid",
            env=self.env,
        )  # fmt: skip

    def _admin(self, sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.server) as conn:
            conn.execute(sql)

    def drop(self) -> None:
        if self.postgres:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')

    @contextlib.contextmanager
    def write_lock(self):
        """Hold the SQLite write lock, as a long `labinov import-library` does."""
        conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield
        finally:
            conn.execute("ROLLBACK")
            conn.close()


class Processes:
    """Start `labinov` commands in the background; all of them are stopped at the end."""

    def __init__(self, database: Database, folder: Path):
        self.database, self.folder = database, folder
        self.started: list[subprocess.Popen] = []

    def start(self, *args, name: str, extra_env: dict | None = None) -> subprocess.Popen:
        log = self.folder / f"{name}.log"
        process = subprocess.Popen(
            [str(LABINOV), *args],
            env={**self.database.env, **(extra_env or {})},
            stdout=log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.log = log
        self.started.append(process)
        return process

    def serve(
        self, *, task_workers: int, extra_env: dict | None = None
    ) -> tuple[subprocess.Popen, str]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        server = self.start(
            "serve", "--port", str(port), "--workers", "1", "--task-workers", str(task_workers),
            name="serve", extra_env=extra_env,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"

        def answers():
            assert server.poll() is None, server.log.read_text()
            with contextlib.suppress(requests.ConnectionError):
                return requests.get(f"{url}/api/v1/health", timeout=10).status_code == 200

        wait_for(answers, "labinov serve to answer", log=server.log)
        return server, url

    def stop_all(self) -> None:
        for process in self.started:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, 15)
        for process in self.started:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, 9)
                process.wait()


def worker_children(parent_pid: int) -> list[int]:
    """The pids of the `db_worker` processes started by ``parent_pid``."""
    out = subprocess.run(
        ["ps", "-o", "pid=,args=", "--ppid", str(parent_pid)], capture_output=True, text=True
    ).stdout
    return [int(line.split()[0]) for line in out.splitlines() if "db_worker" in line]


class Person:
    """A platform administrator in a browser session: logs in, uploads, reads the page."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()
        login = self.session.get(f"{url}/akun/masuk/", timeout=30)
        response = self.session.post(
            f"{url}/akun/masuk/",
            data={"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": _token(login)},
            timeout=30,
        )
        assert "keluar" in response.text, response.text[:2000]

    def upload(self, path: Path) -> str:
        """Start an import of ``path``; answer the address of its status page."""
        page = self.session.get(f"{self.url}/pustaka/impor/", timeout=30)
        with path.open("rb") as stream:
            response = self.session.post(
                f"{self.url}/pustaka/impor/",
                data={"csrfmiddlewaretoken": _token(page)},
                files={"file": (path.name, stream)},
                allow_redirects=False,
                timeout=120,
            )
        assert response.status_code == 302, response.text[:2000]
        return self.url + response.headers["Location"]

    def status(self, run_url: str) -> str:
        """The import's status as its page shows it (the part the page polls)."""
        html = self.session.get(run_url, headers={"HX-Request": "true"}, timeout=30).text
        return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()

    def until(self, run_url: str, word: str, what: str, *, log: Path) -> str:
        """Read the import's page until it shows ``word``; answer what it shows."""

        def shows():
            status = self.status(run_url)
            return status if word in status else None

        return wait_for(shows, what, log=log)


def _token(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.text).group(1)


def write_csv(path: Path, rows: int, *, prefix: str) -> Path:
    lines = ["source_id,name,region,year"]
    lines += [f"{prefix}-{n},Layanan Uji Nomor {n},Kabupaten Uji,2021" for n in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
