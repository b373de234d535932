"""Searches while the server's own background work runs: search p95 through `labinov serve`
idle, then while its task worker embeds a large import (issue 13: within 1.5x of idle).

1. A fresh SQLite installation (or PostgreSQL with ``--postgres``): `labinov migrate`, the
   288 real records and ``--rows`` generated ones (``bench/generate.py``, each labelled
   generated) imported with `labinov import-library`, which queues the embedding task.
2. **prime**: `labinov serve --task-workers 1` until its worker has embedded a few
   batches (the real records come first), then stopped: from here on every phase
   re-ranks with the vectors present, so that idle and busy searches do the same work.
3. **idle**: `labinov serve --task-workers 0` (nobody takes the task); ``--searches``
   API searches, one after another, the query texts of bench/data/queries*.jsonl.
4. **embedding**: `labinov serve --task-workers 1`; once its worker is embedding (an
   EmbeddingRun is running and has written a batch), the same searches again. The
   worker runs at its usual low priority (``LABINOV_BACKGROUND_NICE``, 19).
5. ``--compare`` adds a third phase with ``LABINOV_BACKGROUND_NICE=0`` and no pause
   between batches: the worker as it ran before issue 13, for contrast.

Needs the optional embeddings package. Standard library otherwise.

    .venv/bin/python bench/background.py --rows 200000 --compare
"""

import argparse
import json
import os
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LABINOV = ROOT / ".venv" / "bin" / "labinov"
PYTHON = ROOT / ".venv" / "bin" / "python"
QUERY_FILES = sorted((ROOT / "bench" / "data").glob("queries*.jsonl"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def labinov(*args, env) -> None:
    subprocess.run([str(LABINOV), *args], env=env, check=True, timeout=7200)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def serve(env, task_workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = ["serve", "--port", str(port), "--workers", "2", "--task-workers"]
    server = subprocess.Popen(
        [str(LABINOV), *command, str(task_workers)],
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 900
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"labinov serve exited:\n{log.read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(f"{base}/api/v1/health", timeout=5):
                return server, base
        except OSError:
            time.sleep(1)
    raise SystemExit("labinov serve did not answer")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def searches(base: str, queries: list[str], count: int) -> list[float]:
    timings = []
    for n in range(count):
        q = urllib.parse.quote(queries[n % len(queries)])
        started = time.perf_counter()
        with urllib.request.urlopen(f"{base}/api/v1/library/search?q={q}", timeout=60) as r:
            r.read()
        timings.append(1000 * (time.perf_counter() - started))
    return timings


def embedding_state(db_url: str, postgres: bool) -> tuple[str, int] | None:
    """(status, embedded) of the latest embedding run, read from the database itself."""
    sql = "SELECT status, embedded FROM library_embeddingrun ORDER BY started_at DESC, id DESC"
    if postgres:
        import psycopg

        with psycopg.connect(db_url) as conn:
            row = conn.execute(sql).fetchone()
    else:
        with sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30) as conn:
            row = conn.execute(sql).fetchone()
    return tuple(row) if row else None


def prime(env, args, db_url, workdir, at_least: int) -> int:
    """Let a task worker embed ``at_least`` entries, then stop it; answers how many."""
    server, _base = serve(env, 1, workdir / "serve-prime.log")
    try:
        deadline = time.monotonic() + 1800
        while (state := embedding_state(db_url, bool(args.postgres))) is None or (
            state[1] < at_least
        ):
            if time.monotonic() > deadline:
                raise SystemExit("the worker did not embed")
            time.sleep(1)
    finally:
        stop(server)
    return embedding_state(db_url, bool(args.postgres))[1]


def phase(name, env, args, queries, db_url, workdir, *, wait_for_embedding) -> dict:
    server, base = serve(env, 1 if wait_for_embedding else 0, workdir / f"serve-{name}.log")
    try:
        # Warm both web processes: vocabulary, model, and each query text (a text's first
        # search in a process stems its words, about 11 ms more at p50, and encodes it,
        # about 3 ms: docs/benchmarks.md), so that every phase measures the same work.
        searches(base, queries, 2 * len(queries))
        embedded_before = None
        if wait_for_embedding:
            deadline = time.monotonic() + 1800
            while True:
                state = embedding_state(db_url, bool(args.postgres))
                if state and state[0] == "berjalan" and state[1] > 0:
                    embedded_before = state[1]
                    break
                if time.monotonic() > deadline:
                    raise SystemExit("the worker did not start embedding")
                time.sleep(1)
        started = time.monotonic()
        timings = searches(base, queries, args.searches)
        elapsed = time.monotonic() - started
        state = embedding_state(db_url, bool(args.postgres))
    finally:
        stop(server)
    result = {
        "phase": name,
        "searches": len(timings),
        "p50": statistics.median(timings),
        "p95": percentile(timings, 95),
        "max": max(timings),
    }
    if wait_for_embedding and state:
        result["embedded_per_s"] = (state[1] - embedded_before) / elapsed
        result["still_running"] = state[0] == "berjalan"
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000, help="generated records")
    parser.add_argument("--searches", type=int, default=400, help="searches per phase")
    parser.add_argument("--postgres", help="a PostgreSQL URL (dropped and created afresh)")
    parser.add_argument("--compare", action="store_true", help="also run at normal priority")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="labinov-background-"))
    db_url = f"sqlite:///{workdir / 'db.sqlite3'}"
    if args.postgres:
        import psycopg

        db_url = args.postgres
        name = db_url.rsplit("/", 1)[1]
        with psycopg.connect(db_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "LABINOV_DATA_DIR": str(workdir / "data"),
        "SECRET_KEY": "background-bench-" + "x" * 40,
        "LABINOV_EMBEDDINGS": "auto",
    }
    queries = [
        json.loads(line)["query"]
        for path in QUERY_FILES
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    generated = workdir / f"generated-{args.rows}.csv"
    subprocess.run(
        [str(PYTHON), str(ROOT / "bench" / "generate.py"), str(args.rows), str(generated)],
        check=True,
    )
    labinov("migrate", "--noinput", "-v0", env=env)
    labinov("import-library", str(ROOT / "labinov/library/data/innovations.jsonl"), env=env)
    started = time.monotonic()
    labinov("import-library", str(generated), env=env)
    print(f"imported {args.rows} generated rows in {time.monotonic() - started:.0f} s")

    vectors = prime(env, args, db_url, workdir, at_least=1024)
    print(f"primed: {vectors} entries embedded, the worker stopped")
    results = [phase("idle", env, args, queries, db_url, workdir, wait_for_embedding=False)]
    results.append(
        phase("embedding (nice 19)", env, args, queries, db_url, workdir, wait_for_embedding=True)
    )
    if args.compare:
        normal = {**env, "LABINOV_BACKGROUND_NICE": "0", "LABINOV_BACKGROUND_PAUSE": "0"}
        results.append(
            phase("embedding (nice 0)", normal, args, queries, db_url, workdir,
                  wait_for_embedding=True)
        )  # fmt: skip
    idle = results[0]["p95"]
    print(
        f"\n{'SQLite' if not args.postgres else 'PostgreSQL'}, {args.rows + 288} records, "
        f"{os.cpu_count()} CPUs, {args.searches} API searches per phase "
        f"({len(queries)} query texts)\n"
    )
    print(f"{'phase':<22} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/idle':>9} {'emb/s':>7}")
    for r in results:
        print(
            f"{r['phase']:<22} {r['p50']:>8.1f} {r['p95']:>8.1f} {r['max']:>8.1f} "
            f"{r['p95'] / idle:>9.2f} {r.get('embedded_per_s', 0):>7.0f}"
        )
    shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
