"""Restoring a backup made by ``labinov.core.backup``: all or nothing.

1. The whole archive is checked first (every part's CRC-32, the JSON of the manifest and
   the data, the record count, the list of files) and a backup from a newer Labinov is
   refused: a bad archive stops here, before anything is touched.
2. The data and the files are extracted into a temporary folder, each file checked
   against the SHA-256 the manifest lists.
3. One database transaction empties the tables, loads the data, records the restore in
   the audit trail, and puts the files in place through the storage API, keeping a copy
   of every file it replaces. If any of this fails (a broken record, a file that cannot
   be written), the files written are removed, the files replaced are put back, and the
   transaction rolls back: the installation is as it was.

Files of the installation that the backup does not hold are left where they are (no row
refers to them after the restore).
"""

import contextlib
import shutil
import tempfile
import zipfile
from pathlib import Path

from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.serializers.base import DeserializationError
from django.db import DatabaseError, transaction
from django.dispatch import Signal
from django.utils.translation import gettext as _

from labinov.core.actions import record_event
from labinov.core.backup import (
    ZIP_ERRORS,
    BackupError,
    copy_part,
    latest_migrations,
    verify_backup,
)

#: Sent after a backup replaced the database's content and the uploaded files.
restored = Signal()


def restore_backup(path: Path, *, acting_user) -> dict:
    """Replace the database's content and the uploaded files with those of a backup."""
    path = Path(path)
    manifest = verify_backup(path)
    _refuse_newer(manifest)
    with tempfile.TemporaryDirectory() as tmp:
        data, staged = Path(tmp) / "data.json", Path(tmp) / "media"
        names = _extract(path, manifest, data, staged)
        swap = MediaSwap(staged=staged, previous=Path(tmp) / "previous")
        try:
            with transaction.atomic():
                _load(data)
                record_event(
                    acting_user=acting_user,
                    action="installation.restored",
                    details={"file": path.name, "created_at": manifest["created_at"]},
                )
                try:
                    swap.apply(names)
                except OSError as exc:
                    raise BackupError(
                        _(
                            "The uploaded files could not be put in place (%(reason)s). "
                            "Nothing was changed."
                        )
                        % {"reason": exc}
                    ) from exc
        except BaseException:
            swap.undo()
            raise
    # What is derived from the replaced content and kept outside the database (the
    # knowledge base's search index) is written anew by its app.
    restored.send(sender=restore_backup)
    return {"file": str(path), "objects": manifest["objects"], "media_files": len(names)}


def _refuse_newer(manifest: dict) -> None:
    current = latest_migrations()
    newer = sorted(
        app for app, name in manifest["migrations"].items() if name > current.get(app, "")
    )
    if newer:
        raise BackupError(
            _(
                "The backup comes from a newer Labinov (the migrations of %(apps)s are not "
                "applied here): upgrade Labinov and run `labinov migrate` first."
            )
            % {"apps": ", ".join(newer)}
        )


def _extract(path: Path, manifest: dict, data: Path, staged: Path) -> list[str]:
    """Extract data.json to ``data`` and the files to ``staged``; answer the files' names."""
    expected = manifest.get("media") if isinstance(manifest.get("media"), dict) else {}
    names = []
    try:
        with zipfile.ZipFile(path) as archive:
            copy_part(archive, "data.json", data)
            for part in archive.namelist():
                if not part.startswith("media/") or part.endswith("/"):
                    continue
                name = part.removeprefix("media/")
                digest = copy_part(archive, part, staged / name)
                if name in expected and expected[name] != digest:
                    raise BackupError(
                        _("%(file)s is damaged: the file %(name)s differs from its checksum.")
                        % {"file": path.name, "name": name}
                    )
                names.append(name)
    except ZIP_ERRORS as exc:
        raise BackupError(
            _("%(file)s is not a Labinov backup, or it is damaged (%(reason)s).")
            % {"file": path.name, "reason": exc}
        ) from exc
    return sorted(names)


def _load(data: Path) -> None:
    try:
        # flush re-creates content types and permissions (post_migrate) for loaddata.
        call_command("flush", interactive=False, verbosity=0)
        call_command("loaddata", str(data), verbosity=0)
    except (DatabaseError, DeserializationError) as exc:
        raise BackupError(
            _("The backup's data could not be loaded (%(reason)s). Nothing was changed.")
            % {"reason": exc}
        ) from exc


class MediaSwap:
    """Puts the staged files in the storage, and can take them out again and put back
    the files they replaced."""

    def __init__(self, *, staged: Path, previous: Path):
        self.staged, self.previous = staged, previous
        self.written: list[str] = []
        self.replaced: list[str] = []

    def apply(self, names: list[str]) -> None:
        for name in names:
            if default_storage.exists(name):
                kept = self.previous / name
                kept.parent.mkdir(parents=True, exist_ok=True)
                with default_storage.open(name, "rb") as old, kept.open("wb") as out:
                    shutil.copyfileobj(old, out)
                default_storage.delete(name)
                self.replaced.append(name)
            with (self.staged / name).open("rb") as new:
                saved = default_storage.save(name, File(new))
            self.written.append(saved)
            if saved != name:
                raise OSError(f"the storage saved {name} as {saved}")

    def undo(self) -> None:
        for name in reversed(self.written):
            with contextlib.suppress(OSError):
                default_storage.delete(name)
        for name in self.replaced:
            with contextlib.suppress(OSError), (self.previous / name).open("rb") as old:
                default_storage.save(name, File(old))
        self.written, self.replaced = [], []
