"""Backup of a whole installation, database-independent, taken from one snapshot.

A backup is a zip file holding ``manifest.json`` (format, Labinov version, time, the
latest migration of every app, the number of records and the SHA-256 of every file),
``data.json`` (Django's serialisation of every table, with natural keys for content
types, so it loads into SQLite or PostgreSQL alike) and ``media/`` (the uploaded files).

**One snapshot.** The application keeps writing while a backup runs, and each action
writes several tables in one transaction (a unit and the audit event that points at it).
Read table by table, a backup would hold the event but not the unit, and fail to restore.
So every table is read inside ONE read transaction, which sees the database as it was at
one moment:

- PostgreSQL: the transaction is ``REPEATABLE READ, READ ONLY``; its snapshot is taken
  at its first query and holds for all the others (what ``pg_dump`` does).
- SQLite: the transaction is begun ``DEFERRED`` (not ``IMMEDIATE``, the application's
  mode for writers, which would take the write lock and stop the application for the
  length of the backup). Its first read starts a read transaction; in WAL mode (which
  the settings always turn on) it sees the database as of that read until it ends,
  while writers go on committing to the WAL. Without WAL a reader's shared lock keeps
  writers out until it ends: still one snapshot.

This reads through Django, so the archive stays the same on both databases (neither
``pg_dump`` nor a copy of the SQLite file would restore onto the other).

**Files.** The files backed up are those named by the archived rows: a file uploaded
after the snapshot belongs to a row the backup does not have, and is left out. Files are
copied after the snapshot; one deleted in between (a photo removed meanwhile) cannot be
copied: the backup says so (``missing_files``) and still completes, as the row was
valid at the moment of the snapshot.

Restoring (``labinov.core.restore``) checks the whole archive before it touches anything.
"""

import contextlib
import hashlib
import json
import os
import tempfile
import zipfile
import zlib
from importlib.metadata import version
from pathlib import Path, PurePosixPath

from django.apps import apps
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT = 1
#: Tables that `migrate` fills by itself, and what is only transient.
#: Left out: rebuilt by Django, or derived (the search index's pending changes: a
#: restore writes the search index anew).
EXCLUDED = [
    *("contenttypes", "auth.permission", "sessions", "admin.logentry"),
    "library.searchchange",
]
#: What reading a damaged zip can raise besides BadZipFile.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, ValueError)


class BackupError(Exception):
    pass


def latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return latest


@contextlib.contextmanager
def one_snapshot():
    """A read-only transaction in which every query sees the same moment of the database
    (see the module's docstring)."""
    if connection.in_atomic_block:
        raise BackupError("a backup must start its own transaction to read one snapshot")
    connection.ensure_connection()
    if connection.vendor == "sqlite":
        mode = connection.transaction_mode
        connection.transaction_mode = "DEFERRED"
        try:
            with transaction.atomic():
                yield
        finally:
            connection.transaction_mode = mode
    elif connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
    else:  # pragma: no cover - settings allow only these two
        raise BackupError(f"no consistent backup for the {connection.vendor} database")


def file_names(records: list[dict]) -> set[str]:
    """The names of the stored files that the serialised ``records`` refer to."""
    fields: dict[str, list[str]] = {}
    names = set()
    for record in records:
        label = record["model"]
        if label not in fields:
            model = apps.get_model(label)
            fields[label] = [f.name for f in model._meta.fields if isinstance(f, models.FileField)]
        for name in fields[label]:
            if value := record["fields"].get(name):
                names.add(value)
    return names


def create_backup(path: Path) -> dict:
    """Write a backup of the database and the uploaded files to ``path``.

    The archive is written beside ``path`` and renamed at the end, so a failed backup never
    leaves a half-written file under the name of a backup."""
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data.json"
        with one_snapshot():
            migrations = latest_migrations()
            call_command(
                "dumpdata",
                natural_foreign=True,
                exclude=EXCLUDED,
                output=str(data),
                verbosity=0,
            )
        records = json.loads(data.read_text(encoding="utf-8"))
        manifest = {
            "format": FORMAT,
            "labinov": version("labinov"),
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "objects": len(records),
        }
        del records
        try:
            with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
                archive.write(data, "data.json")
                media, missing = _copy_files(archive, file_names(json.loads(data.read_bytes())))
                manifest.update(media_files=len(media), media=media, missing_files=missing)
                archive.writestr("manifest.json", json.dumps(manifest, indent=2))
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
    return {
        "file": str(path),
        "objects": manifest["objects"],
        "media_files": len(media),
        "missing_files": missing,
    }


def _copy_files(archive: zipfile.ZipFile, names: set[str]) -> tuple[dict[str, str], list[str]]:
    """Copy the stored files ``names`` into ``media/``; return their SHA-256 by name, and
    the names that were no longer in the storage."""
    media, missing = {}, []
    for name in sorted(names):
        try:
            source = default_storage.open(name, "rb")
        except (FileNotFoundError, IsADirectoryError):
            missing.append(name)
            continue
        digest = hashlib.sha256()
        with source, archive.open(f"media/{name}", "w") as target:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
                target.write(chunk)
        media[name] = digest.hexdigest()
    return media, missing


def _safe_media_name(name: str) -> bool:
    path = PurePosixPath(name)
    return bool(name) and not path.is_absolute() and ".." not in path.parts and "\\" not in name


def verify_backup(path: Path) -> dict:
    """Check the whole archive: that it is a zip whose every part matches its checksum,
    that its manifest and data are well-formed JSON, that nothing is missing. Answer its
    manifest, or raise BackupError with a message a person can act on."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            damaged = archive.testzip()  # reads every part and checks its CRC-32
            if damaged is not None:
                raise BackupError(
                    _("%(file)s is damaged: its part %(part)s does not match its checksum.")
                    % {"file": path.name, "part": damaged}
                )
            names = set(archive.namelist())
            for part in ("manifest.json", "data.json"):
                if part not in names:
                    raise BackupError(
                        _("%(file)s is not a Labinov backup: it has no %(part)s.")
                        % {"file": path.name, "part": part}
                    )
            manifest = _json(archive, "manifest.json", path)
            records = _json(archive, "data.json", path)
            media = {n.removeprefix("media/") for n in names if _is_media(n)}
    except ZIP_ERRORS as exc:
        raise BackupError(
            _("%(file)s is not a Labinov backup, or it is damaged (%(reason)s).")
            % {"file": path.name, "reason": exc}
        ) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        format_ = manifest.get("format") if isinstance(manifest, dict) else None
        raise BackupError(
            _("%(file)s has an unknown backup format (%(format)s).")
            % {"file": path.name, "format": format_}
        )
    _check_complete(path, manifest, records, media)
    return manifest


def _is_media(name: str) -> bool:
    return name.startswith("media/") and not name.endswith("/")


def _json(archive: zipfile.ZipFile, part: str, path: Path):
    try:
        with archive.open(part) as stream:
            return json.load(stream)
    except ValueError as exc:  # bad JSON, or not UTF-8
        raise BackupError(
            _("%(file)s is damaged: its part %(part)s is not valid JSON (%(reason)s).")
            % {"file": path.name, "part": part, "reason": exc}
        ) from exc


def _check_complete(path: Path, manifest: dict, records, media: set[str]) -> None:
    def incomplete(what: str):
        return BackupError(
            _("%(file)s is incomplete or damaged: %(what)s. Use another backup.")
            % {"file": path.name, "what": what}
        )

    if not isinstance(manifest.get("migrations"), dict) or not isinstance(
        manifest.get("created_at"), str
    ):
        raise incomplete(_("its manifest lacks the migrations or the time"))
    if not isinstance(records, list) or not all(
        isinstance(r, dict)
        and isinstance(r.get("model"), str)
        and isinstance(r.get("fields"), dict)
        for r in records
    ):
        raise incomplete(_("data.json is not a list of records"))
    if manifest.get("objects") != len(records):
        raise incomplete(
            _("it holds %(found)s records where its manifest says %(expected)s")
            % {"found": len(records), "expected": manifest.get("objects")}
        )
    unsafe = sorted(n for n in media if not _safe_media_name(n))
    if unsafe:
        raise incomplete(_("it names files outside the media folder: %s") % ", ".join(unsafe))
    expected = manifest.get("media")
    if isinstance(expected, dict):  # backups made before Labinov listed their files lack it
        lacking = sorted(set(expected) - media)
        if lacking:
            raise incomplete(_("files are missing: %s") % ", ".join(lacking[:10]))
    elif manifest.get("media_files", len(media)) != len(media):
        raise incomplete(
            _("it holds %(found)s files where its manifest says %(expected)s")
            % {"found": len(media), "expected": manifest.get("media_files")}
        )


def copy_part(archive: zipfile.ZipFile, part: str, target: Path) -> str:
    """Extract one part of the archive to ``target``; answer its SHA-256."""
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with archive.open(part) as source, target.open("wb") as out:
        while chunk := source.read(1 << 20):
            digest.update(chunk)
            out.write(chunk)
    return digest.hexdigest()
