"""What SQLite's FTS5 index costs an import, by how many segments FTS5 merges at a time
(its ``automerge``; ``bulk.SQLITE_FTS5_AUTOMERGE`` while an import writes).

The index texts of an imported knowledge base (a database of ``bench/speed.py``) are
written again into a new database, batch by batch as an import writes them: each
batch's rows into a table, then the batch indexed by one ``INSERT INTO … SELECT`` into an
external-content FTS5 table as the application's, one transaction a batch, with the
import's SQLite settings (``bulk.SQLITE_MANY_WRITES``). Reported: the CPU of the FTS5
inserts, the CPU of the whole run, and one search of the index at the end.

    .venv/bin/python bench/speed.py --rows 1000000 --import-only --shape copies
    .venv/bin/python bench/fts5_merge.py var/bench/bench-copies-1000000.sqlite3 \\
        --automerge 4,16,16,4
"""

import argparse
import os
import resource
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def one_run(source: Path, automerge: int, rows: int, folder: Path) -> str:
    from labinov.library.actions import BATCH
    from labinov.library.bulk import SQLITE_MANY_WRITES
    from labinov.library.search.index import SQLITE_SCHEMA

    db = sqlite3.connect(folder / f"fts5-{automerge}.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    for name, value in SQLITE_MANY_WRITES.items():
        db.execute(f"PRAGMA {name} = {int(value)}")
    # The entry table as far as its FTS5 index reads it, and the application's FTS5 table.
    db.execute(
        "CREATE TABLE library_libraryentry(id INTEGER PRIMARY KEY AUTOINCREMENT, "
        "index_name TEXT, index_main TEXT, index_rest TEXT)"
    )
    db.execute(SQLITE_SCHEMA[0])
    db.execute("INSERT INTO library_fts(library_fts, rank) VALUES ('automerge', ?)", [automerge])
    read = sqlite3.connect(f"file:{source}?mode=ro", uri=True).execute(
        "SELECT index_name, index_main, index_rest FROM library_libraryentry ORDER BY id LIMIT ?",
        [rows],
    )
    indexing, last = 0.0, 0
    started = resource.getrusage(resource.RUSAGE_SELF)
    while batch := read.fetchmany(BATCH):
        db.execute("BEGIN")
        db.executemany(
            "INSERT INTO library_libraryentry(index_name, index_main, index_rest) VALUES (?, ?, ?)",
            batch,
        )
        before = time.thread_time()
        db.execute(
            "INSERT INTO library_fts(rowid, index_name, index_main, index_rest) "
            "SELECT id, index_name, index_main, index_rest FROM library_libraryentry "
            "WHERE id > ?",
            [last],
        )
        indexing += time.thread_time() - before
        last = db.execute("SELECT MAX(id) FROM library_libraryentry").fetchone()[0]
        db.execute("COMMIT")
    ended = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (ended.ru_utime - started.ru_utime) + (ended.ru_stime - started.ru_stime)
    before = time.perf_counter()
    (found,) = db.execute(
        "SELECT COUNT(*) FROM library_fts WHERE library_fts MATCH 'layan AND masyarakat'"
    ).fetchone()
    asked = time.perf_counter() - before
    db.close()
    return (
        f"automerge {automerge:>2}: {last:,} rows, FTS5 inserts {indexing:.1f} s CPU, "
        f"whole run {cpu:.1f} s CPU; a search of two common terms: {found:,} matches "
        f"in {asked * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database", type=Path, help="a SQLite database of bench/speed.py")
    parser.add_argument(
        "--automerge", default="4,16,16,4", help="comma-separated values, run in this order"
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    if not args.database.is_file():
        parser.error(f"{args.database}: no such database (run bench/speed.py first)")
    sys.path.insert(0, str(ROOT))
    os.environ.update(
        DJANGO_SETTINGS_MODULE="labinov.settings",
        SECRET_KEY="fts5-bench-" + "x" * 40,
        LABINOV_LOG_LEVEL="WARNING",
    )
    import django

    django.setup()
    (ROOT / "var").mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "var") as folder:
        for value in args.automerge.split(","):
            print(one_run(args.database, int(value), args.rows, Path(folder)), flush=True)
            for path in Path(folder).iterdir():
                os.remove(path)


if __name__ == "__main__":
    main()
