import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from labinov.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup of the whole installation (database and uploaded files) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write, e.g. labinov-2026-11-28.zip")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file, json: bool, **options):
        path = Path(file)
        if path.is_dir():
            raise CommandError(_("%(path)s is a folder: give a file name.") % {"path": path})
        try:
            result = create_backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(result, as_json=json)
        if result["missing_files"]:
            self.stderr.write(
                _(
                    "Warning: %(n)s file(s) named by the data were deleted while the backup "
                    "ran and are not in it: %(names)s"
                )
                % {"n": len(result["missing_files"]), "names": ", ".join(result["missing_files"])}
            )

    def _print(self, result, *, as_json):
        if as_json:
            self.stdout.write(json_dumps(result))
        else:
            self.stdout.write(
                _("Backup written to %(file)s: %(objects)s records, %(files)s files.")
                % {
                    "file": result["file"],
                    "objects": result["objects"],
                    "files": result["media_files"],
                }
            )


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
