"""Backup and restore of a whole installation, database-independent.

A backup is a zip file holding ``manifest.json`` (format, Labinov version, time, the
latest migration of every app), ``data.json`` (Django's serialisation of every table,
with natural keys for content types, so it loads into SQLite or PostgreSQL alike) and
``media/`` (the uploaded files). Restoring replaces everything in the database: it runs
in one transaction, so a failed restore leaves the database as it was.
"""

import io
import json
import tempfile
import zipfile
from importlib.metadata import version
from pathlib import Path

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from labinov.core.actions import record_event

FORMAT = 1
#: Tables that `migrate` fills by itself, and what is only transient.
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "admin.logentry"]


class BackupError(Exception):
    pass


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _media_files():
    def walk(prefix=""):
        if not default_storage.exists(prefix or "."):
            return
        dirs, files = default_storage.listdir(prefix or ".")
        for name in files:
            yield f"{prefix}{name}"
        for name in dirs:
            yield from walk(f"{prefix}{name}/")

    try:
        yield from walk()
    except (FileNotFoundError, NotImplementedError):
        return


def create_backup(path: Path) -> dict:
    """Write a backup of the database and the uploaded files to ``path``."""
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        call_command(
            "dumpdata",
            natural_foreign=True,
            exclude=EXCLUDED,
            output=str(data),
            verbosity=0,
        )
        objects = len(json.loads(data.read_text(encoding="utf-8")))
        manifest = {
            "format": FORMAT,
            "labinov": version("labinov"),
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": _latest_migrations(),
            "objects": objects,
        }
        media = 0
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.write(data, "data.json")
            for name in _media_files():
                with default_storage.open(name) as fh:
                    archive.writestr(f"media/{name}", fh.read())
                media += 1
            manifest["media_files"] = media
            archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return {"file": str(path), "objects": objects, "media_files": media}


def read_manifest(path: Path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read("manifest.json"))
            if "data.json" not in archive.namelist():
                raise BackupError("the file has no data.json")
    except (zipfile.BadZipFile, KeyError, json.JSONDecodeError) as exc:
        raise BackupError(f"{path} is not a Labinov backup ({exc})") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"unknown backup format {manifest.get('format')!r}")
    return manifest


def restore_backup(path: Path, *, acting_user) -> dict:
    """Replace the database's content and the uploaded files with those of a backup."""
    manifest = read_manifest(path)
    current = _latest_migrations()
    newer = sorted(
        app for app, name in manifest["migrations"].items() if name > current.get(app, "")
    )
    if newer:
        raise BackupError(
            "the backup comes from a newer Labinov (migrations of "
            + ", ".join(newer)
            + " are not applied here): upgrade and run `labinov migrate` first"
        )
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(path) as archive:
        data = Path(tmp) / "data.json"
        data.write_bytes(archive.read("data.json"))
        with transaction.atomic():
            # flush re-creates content types and permissions (post_migrate) for loaddata.
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
            record_event(
                acting_user=acting_user,
                action="installation.restored",
                details={"file": Path(path).name, "created_at": manifest["created_at"]},
            )
        media = 0
        for name in archive.namelist():
            if name.startswith("media/") and not name.endswith("/"):
                target = name.removeprefix("media/")
                if ".." in Path(target).parts:
                    continue
                if default_storage.exists(target):
                    default_storage.delete(target)
                default_storage.save(target, io.BytesIO(archive.read(name)))
                media += 1
    return {"file": str(path), "objects": manifest["objects"], "media_files": media}
