"""Load test: people browse, search and comment while a large import runs (`make load`).

For each database (SQLite, then PostgreSQL), on this machine's loopback only:

1. a fresh installation: a new data folder, `labinov migrate`, `labinov demo` (its users,
   password ``labinov-demo``), and a generated file of 100,000 knowledge-base rows
   (``bench/generate.py``; every record is labelled generated);
2. `labinov serve` (gunicorn, ``--task-workers 0``) on a free 127.0.0.1 port;
3. ``--users`` simulated people (50) log in as the demo users (before the clock starts);
4. `labinov import-library` of the generated file starts in its own process, and the people
   start, each with a think time between requests: they open pages, search the knowledge
   base (the page and the API) and post monitoring comments on innovations; a probe asks
   the trivial view ``/api/v1/health`` once a second (the server's baseline, same run);
5. the load goes on until ``--duration`` seconds (60) after the import began writing (it
   reads and analyses the whole file first), so that it covers the writing.

It reports, per kind of request: count, errors, p50/p95/max and throughput, and the
import's timeline; it exits 1 if any request failed or the server logged a traceback.
A 503 ("busy, try again", which Labinov answers instead of a 500 when the database stays
locked) is retried after its ``Retry-After`` as a browser user would, and counted apart.
Standard library only (psycopg, a dependency of Labinov, for PostgreSQL).

    .venv/bin/python bench/load.py                       # both databases, 60 s each
    .venv/bin/python bench/load.py --database sqlite --duration 20 --users 10 --rows 20000

PostgreSQL: ``--postgres postgres://postgres@127.0.0.1:5432/labinov_load_bench`` (the
default); the database is dropped and created again, so its name must start with
``labinov_load``.
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABINOV = Path(sys.executable).with_name("labinov")
PASSWORD = "labinov-demo"
#: Demo users who may comment on every innovation of the demo region, and those who read.
COMMENTERS = ["demo-koordinator", "demo-coach", "demo-admin"]
READERS = ["demo-pimpinan", "demo-penilai", "demo-kepala-unit", "demo-anggota-tim"]
QUERIES = [
    "antrean pelayanan",
    "kesehatan ibu hamil",
    "sampah",
    "e-ktp",
    "stunting",
    "pengaduan masyarakat",
    "pajak daerah online",
    "desa digital",
]
_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Client:
    """One person's browser: cookies, CSRF, and timing of every answer."""

    def __init__(self, base: str, timeout: float = 120):
        self.base = base
        self.timeout = timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def request(self, path: str, data: dict | None = None) -> tuple[int, bytes, dict]:
        """(status, body, headers); errors are answers too, never exceptions (except a
        connection that fails)."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        if data is not None:
            request.add_header("Referer", self.base + path)
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                return response.status, response.read(), dict(response.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), dict(exc.headers)

    def csrf(self) -> str:
        return next((c.value for c in self.cookies if c.name == "csrftoken"), "")

    def login(self, username: str, password: str = PASSWORD) -> None:
        status, body, _headers = self.request("/akun/masuk/")
        token = _CSRF.search(body.decode()).group(1)
        status, body, _headers = self.request(
            "/akun/masuk/",
            {"csrfmiddlewaretoken": token, "username": username, "password": password},
        )
        if status != 200 or b"/akun/keluar/" not in body:
            raise RuntimeError(f"login of {username} failed ({status})")

    def post(self, path: str, data: dict) -> tuple[int, bytes, dict]:
        return self.request(path, {"csrfmiddlewaretoken": self.csrf(), **data})


@dataclass
class Stats:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    busy: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str = "") -> None:
        with self.lock:
            self.times.setdefault(kind, []).append(seconds)
            if error:
                self.errors.setdefault(kind, []).append(error)

    def add_busy(self, kind: str) -> None:
        with self.lock:
            self.busy[kind] = self.busy.get(kind, 0) + 1


def timed(stats: Stats, kind: str, call, check=None) -> None:
    """Run one request as a person would: a 503 is retried after its Retry-After."""
    check = check or (lambda status, body: status == 200)
    started = time.monotonic()
    for _attempt in range(5):
        try:
            status, body, headers = call()
        except OSError as exc:
            stats.add(kind, time.monotonic() - started, f"connection: {exc}")
            return
        if status != 503:
            break
        stats.add_busy(kind)
        time.sleep(float(headers.get("Retry-After", "5")))
    ok = check(status, body)
    stats.add(kind, time.monotonic() - started, "" if ok else f"HTTP {status}")


def person(base, username, innovations, entries, stats, go, stop, think, seed):
    rng = random.Random(seed)
    client = Client(base)
    started = time.monotonic()
    try:
        client.login(username)
    except (OSError, RuntimeError) as exc:
        stats.add("login (before the run)", time.monotonic() - started, str(exc))
        return
    stats.add("login (before the run)", time.monotonic() - started)
    comment = username in COMMENTERS
    go.wait()
    while not stop.is_set():
        roll, data, check = rng.random(), None, None
        q = urllib.parse.quote(rng.choice(QUERIES))
        if roll < 0.30:
            kind = "page"
            # Readers of one unit or none may not see every innovation: the list, then.
            detail = f"/inovasi/{rng.choice(innovations)}/" if comment else "/inovasi/"
            path = rng.choice(["/", "/pustaka/", detail])
        elif roll < 0.45:
            kind, path = "entry", f"/pustaka/{rng.choice(entries)}/"
        elif roll < 0.65:
            kind, path = "search page", f"/pustaka/?q={q}"
        elif roll < 0.85:
            kind, path = "search API", f"/api/v1/library/search?q={q}&limit=10"
        elif comment:
            kind, path = "comment (POST)", f"/inovasi/{rng.choice(innovations)}/komentar/"
            data = {"text": f"Catatan pemantauan uji beban {rng.randrange(10**9)}"}
            wanted = data["text"].encode()

            def check(status, body, wanted=wanted):
                return status == 200 and wanted in body
        else:
            kind, path = "page", "/akun/"
        if data is None:
            timed(stats, kind, lambda path=path: client.request(path))
        else:
            timed(stats, kind, lambda path=path, data=data: client.post(path, data), check)
        stop.wait(rng.uniform(*think))


def probe(base, stats, stop) -> None:
    """The trivial view, once a second, in the same run: the server's own baseline."""
    client = Client(base)
    while not stop.is_set():
        timed(stats, "health (probe 1/s)", lambda: client.request("/api/v1/health"))
        stop.wait(1)


def import_writing(url: str) -> bool:
    """Whether the import has begun writing (its first batch committed)."""
    sql = "SELECT count(*) FROM library_importwriting"
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///"), timeout=60) as db:
            return db.execute(sql).fetchone()[0] > 0
    import psycopg

    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0] > 0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def labinov(*args, env, timeout=600) -> str:
    result = subprocess.run(
        [str(LABINOV), *args], env=env, capture_output=True, text=True, timeout=timeout
    )
    if result.returncode:
        raise RuntimeError(f"labinov {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def wait_for(base: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(base + "/api/v1/health", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("labinov serve did not start")
        time.sleep(0.5)


def ids(env: str, code: str) -> list[int]:
    return json.loads(labinov("shell", "-c", code, env=env).strip().splitlines()[-1])


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def prepare_postgres(url: str) -> None:
    import psycopg

    name = urllib.parse.urlparse(url).path.lstrip("/")
    if not name.startswith("labinov_load"):
        raise SystemExit(f"--postgres: the database {name!r} would be dropped; use labinov_load…")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def run(database: str, args, data_file: Path) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"labinov-load-{database}-"))
    url = f"sqlite:///{workdir / 'labinov.sqlite3'}"
    if database == "postgresql":
        prepare_postgres(args.postgres)
        url = args.postgres
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "LABINOV_DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": "load-test-" + "x" * 40,
        "LABINOV_EMBEDDINGS": "off",
        "LABINOV_LOG_LEVEL": "WARNING",
    }
    print(f"[{database}] fresh installation in {workdir}", flush=True)
    labinov("migrate", "--noinput", env=env)
    labinov("demo", env=env)
    innovations = ids(
        env,
        "from labinov.innovations.models import Innovation as M;"
        "print(list(M.objects.values_list('pk', flat=True)))",
    )
    entries = ids(
        env,
        "from labinov.library.models import LibraryEntry as M;"
        "print(list(M.objects.values_list('pk', flat=True)))",
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            str(LABINOV),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--task-workers",
            "0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(workdir / "server.log").open("wb"),
        start_new_session=True,
    )
    stats, go, stop = Stats(), threading.Event(), threading.Event()
    try:
        wait_for(base, server)
        users = COMMENTERS + READERS
        threads = [
            threading.Thread(
                target=person,
                args=(base, users[i % len(users)], innovations, entries, stats, go, stop),
                kwargs={"think": (args.think_min, args.think_max), "seed": i},
                daemon=True,
            )
            for i in range(args.users)
        ]
        print(f"[{database}] {args.users} people log in", flush=True)
        for thread in threads:
            thread.start()
            time.sleep(0.1)
        while any(t.is_alive() for t in threads) and len(
            stats.times.get("login (before the run)", [])
        ) < len(threads):
            time.sleep(0.2)
        started = time.monotonic()
        importer = subprocess.Popen(
            [str(LABINOV), "import-library", str(data_file), "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        go.set()
        prober = threading.Thread(target=probe, args=(base, stats, stop), daemon=True)
        prober.start()
        print(f"[{database}] import of {data_file.name} started; people browse", flush=True)
        writing = None
        while importer.poll() is None and time.monotonic() - started < args.import_timeout:
            if import_writing(url):
                writing = time.monotonic() - started
                break
            time.sleep(0.5)
        print(f"[{database}] the import writes; {args.duration} s more of load", flush=True)
        stop.wait(args.duration)
        stop.set()
        window = time.monotonic() - started
        for thread in [*threads, prober]:
            thread.join(timeout=150)
        try:
            out, _err = importer.communicate(timeout=args.import_timeout)
            import_seconds = time.monotonic() - started
            outcome = json.loads(out.strip().splitlines()[-1]) if importer.returncode == 0 else {}
        except subprocess.TimeoutExpired:
            importer.send_signal(signal.SIGINT)  # the import undoes what it wrote
            importer.wait(timeout=300)
            import_seconds, outcome = None, {}
    finally:
        stop.set()
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
    server_log = (workdir / "server.log").read_text(errors="replace")
    if not args.keep:
        shutil.rmtree(workdir, ignore_errors=True)
    return {
        "database": database,
        "users": args.users,
        "window_s": round(window, 1),
        "import": {
            "rows": args.rows,
            "seconds": round(import_seconds, 1) if import_seconds else None,
            "writing_from_s": round(writing, 1) if writing else None,
            "created": outcome.get("created"),
            "exit_code": importer.returncode,
        },
        "kinds": {
            kind: {
                "count": len(times),
                "errors": len(stats.errors.get(kind, [])),
                "error_examples": sorted(set(stats.errors.get(kind, [])))[:3],
                "busy_503_retried": stats.busy.get(kind, 0),
                "p50_ms": round(1000 * statistics.median(times), 1),
                "p95_ms": round(1000 * percentile(times, 95), 1),
                "max_ms": round(1000 * max(times), 1),
                "per_s": round(len(times) / window, 2),
            }
            for kind, times in sorted(stats.times.items())
        },
        "server_errors_logged": server_log.count("Traceback"),
    }


def report(result: dict) -> None:
    imp = result["import"]
    print(
        f"\n{result['database']}: {result['users']} people for {result['window_s']} s; "
        f"import of {imp['rows']:,} rows: "
        + (
            f"{imp['seconds']} s (writing from {imp['writing_from_s']} s), {imp['created']} created"
            if imp["seconds"]
            else "did not finish"
        )
    )
    print(f"{'kind':22} {'count':>6} {'errors':>6} {'503':>4} {'p50 ms':>8} {'p95 ms':>8}")
    for kind, k in result["kinds"].items():
        print(
            f"{kind:22} {k['count']:>6} {k['errors']:>6} {k['busy_503_retried']:>4} "
            f"{k['p50_ms']:>8} {k['p95_ms']:>8}  max {k['max_ms']} ms, {k['per_s']}/s"
        )
        for example in k["error_examples"]:
            print(f"{'':22} e.g. {example}")
    print(f"tracebacks in the server's log: {result['server_errors_logged']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--think-min", type=float, default=1.0, help="seconds")
    parser.add_argument("--think-max", type=float, default=3.0, help="seconds")
    parser.add_argument(
        "--import-timeout",
        type=float,
        default=600,
        help="seconds to wait for the import after the load; then it is interrupted",
    )
    parser.add_argument(
        "--postgres", default="postgres://postgres@127.0.0.1:5432/labinov_load_bench"
    )
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--keep", action="store_true", help="keep each run's data folder and server log"
    )
    args = parser.parse_args()
    data_file = ROOT / "var" / "bench" / f"generated-{args.rows}.csv"
    if not data_file.exists():
        subprocess.run(
            [sys.executable, str(ROOT / "bench" / "generate.py"), str(args.rows), str(data_file)],
            check=True,
        )
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    results = []
    for database in databases:
        results.append(run(database, args, data_file))
        report(results[-1])
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False), encoding="utf-8")
    failed = sum(k["errors"] for r in results for k in r["kinds"].values())
    failed += sum(r["server_errors_logged"] for r in results)
    failed += sum(1 for r in results if r["import"]["exit_code"] != 0)
    print(f"\n{failed} failure(s)" if failed else "\nno errors")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
