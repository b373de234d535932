import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labinov.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Write a backup of the whole installation (database and uploaded files) to FILE."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the backup file to write, e.g. labinov-2026-11-28.zip")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file, json: bool, **options):
        path = Path(file)
        if path.is_dir():
            raise CommandError(f"{path} is a folder: give a file name")
        try:
            result = create_backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        self._print(result, as_json=json)

    def _print(self, result, *, as_json):
        if as_json:
            self.stdout.write(json_dumps(result))
        else:
            self.stdout.write(
                f"Backup written to {result['file']}: {result['objects']} records, "
                f"{result['media_files']} files."
            )


def json_dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)
