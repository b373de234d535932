"""A backup taken while another process writes is one consistent snapshot, and restores.

Through the CLI on real databases: SQLite files by default, PostgreSQL databases (created
and dropped here) when the suite runs with ``DATABASE_URL=postgres://...``. A second
process creates units and photos through the actions while ``labinov backup`` runs; the
archive must hold no reference to a row it lacks and exactly the files its rows name, and
``labinov restore`` into an empty installation must give back every record and file.
"""

import hashlib
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from datetime import datetime
from pathlib import Path

import dj_database_url
import psycopg
import pytest
from django.apps import apps
from django.db import models

from tests.cli import run

WRITER = Path(__file__).with_name("backup_writer.py")
#: What `labinov backup` leaves out (`migrate` fills it, or it is transient).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?$")


def _postgres_database(url: str, name: str):
    """Create an empty PostgreSQL database ``name`` beside the one of ``url``; return its
    URL and a function that drops it."""
    config = dj_database_url.parse(url)
    admin = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "password": config["PASSWORD"] or None,
        "dbname": "postgres",
        "autocommit": True,
    }

    def drop():
        with psycopg.connect(**admin) as db:
            db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    with psycopg.connect(**admin) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name, drop


@pytest.fixture
def installations(tmp_path):
    """The environments of two installations: ``source`` and an empty ``target``, each with
    its own database and data folder, on the database the suite runs on."""
    base = {**os.environ, "SECRET_KEY": "backup-test-" + "x" * 40}
    url = os.environ.get("DATABASE_URL", "")
    drops = []
    envs = {}
    for name in ("source", "target"):
        if url.startswith("postgres"):
            db_name = dj_database_url.parse(url)["NAME"] + f"_bk_{name}"
            db_url, drop = _postgres_database(url, db_name)
            drops.append(drop)
        else:
            db_url = f"sqlite:///{tmp_path / (name + '.sqlite3')}"
        envs[name] = {**base, "DATABASE_URL": db_url, "LABINOV_DATA_DIR": str(tmp_path / name)}
    yield envs
    for drop in drops:
        drop()


def _start_writer(env, tmp_path):
    ready, stop = tmp_path / "writer-ready", tmp_path / "writer-stop"
    writer = subprocess.Popen(
        [sys.executable, str(WRITER), str(ready), str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    while not ready.exists():  # the backup starts once the writer is writing
        if writer.poll() is not None:
            pytest.fail(f"the writer stopped before writing: {writer.communicate()[1]}")
        time.sleep(0.05)
    return writer, stop


def _file_fields(model):
    return [f.name for f in model._meta.fields if isinstance(f, models.FileField)]


def _dangling(records):
    """Every foreign key of the archive (by id) whose row the archive does not hold."""
    present = {(r["model"], r["pk"]) for r in records}
    missing = []
    for record in records:
        model = apps.get_model(record["model"])
        for field in model._meta.fields:
            if not isinstance(field, models.ForeignKey):
                continue
            target = field.related_model._meta.label_lower
            value = record["fields"].get(field.name)
            if value is None or isinstance(value, list) or target in EXCLUDED:
                continue  # natural keys (users) are checked by the restore itself
            if (target, value) not in present:
                missing.append((record["model"], record["pk"], field.name, target, value))
    return missing


def _media(folder: Path) -> dict[str, str]:
    root = folder / "media"
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in root.rglob("*")
        if p.is_file()
    }


def _moment(value):
    """Django's serialiser writes a time to the millisecond, and leaves out ".000": read
    both spellings of one moment as one."""
    if isinstance(value, str) and ISO_TIME.match(value):
        return datetime.fromisoformat(value).isoformat()
    return value


def _canonical(records):
    return sorted(
        json.dumps({**r, "fields": {k: _moment(v) for k, v in r["fields"].items()}}, sort_keys=True)
        for r in records
    )


def test_a_backup_taken_while_another_process_writes_restores_whole(installations, tmp_path):
    source, target = installations["source"], installations["target"]
    run("migrate", "--noinput", env=source, timeout=300)
    run("demo", env=source, timeout=300)
    writer, stop = _start_writer(source, tmp_path)
    try:
        backup = tmp_path / "cadangan.zip"
        result = json.loads(run("backup", str(backup), "--json", env=source).stdout)
    finally:
        stop.touch()
        _, errors = writer.communicate(timeout=300)
    assert writer.returncode == 0, errors

    with zipfile.ZipFile(backup) as archive:
        records = json.loads(archive.read("data.json"))
        archived_files = {
            name.removeprefix("media/"): hashlib.sha256(archive.read(name)).hexdigest()
            for name in archive.namelist()
            if name.startswith("media/") and not name.endswith("/")
        }
    assert result["objects"] == len(records)
    units = [r for r in records if r["model"] == "regions.unit"]
    written = [u for u in units if u["fields"]["name"].startswith("Unit serentak")]
    assert written, "the backup holds none of the writer's units: it ran before the writer"

    # One snapshot: no audit event (or any other row) points at a row the archive lacks,
    # and the archive holds exactly the files that its rows name, as they are stored.
    assert _dangling(records) == []
    named = {
        r["fields"][f]
        for r in records
        for f in _file_fields(apps.get_model(r["model"]))
        if r["fields"].get(f)
    }
    assert set(archived_files) == named
    source_files = _media(Path(source["LABINOV_DATA_DIR"]))
    assert {n: source_files[n] for n in named} == archived_files

    restored = json.loads(run("restore", str(backup), "--yes", "--json", env=target).stdout)
    assert restored["objects"] == len(records)
    # Every record comes back as it was, and the restore adds its own audit event.
    dump = json.loads(
        run(
            "dumpdata",
            "--natural-foreign",
            *[f"--exclude={label}" for label in EXCLUDED],
            env=target,
        ).stdout
    )
    archived = set(_canonical(records))
    extra = [r for r in _canonical(dump) if r not in archived]
    assert [json.loads(r)["fields"].get("action") for r in extra] == ["installation.restored"], [
        (
            r,
            [
                a
                for a in records
                if a["model"] == json.loads(r)["model"] and a["pk"] == json.loads(r)["pk"]
            ],
        )
        for r in extra[:3]
    ]
    assert len(dump) == len(records) + 1
    # The database of the target finds no broken reference either.
    run(
        "shell",
        "-c",
        "from django.db import connection; connection.check_constraints()",
        env=target,
    )
    assert _media(Path(target["LABINOV_DATA_DIR"])) == archived_files
