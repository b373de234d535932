import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from labinov.core.backup import BackupError, read_manifest, restore_backup
from labinov.core.management.commands.backup import json_dumps
from labinov.core.system import SystemActor


class Command(BaseCommand):
    help = "Replace everything in the database with a backup made by `labinov backup`."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a backup file made by `labinov backup`")
        parser.add_argument(
            "--yes", action="store_true", help="do not ask before replacing the data"
        )
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, file, yes, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{path} does not exist")
        try:
            manifest = read_manifest(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("restoring replaces all data: add --yes to confirm")
            answer = input(
                f"Replace ALL data with the backup of {manifest['created_at']} "
                f"({manifest['objects']} records)? Type 'yes': "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("restore cancelled")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = restore_backup(path, acting_user=SystemActor("cli: labinov restore"))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(json_dumps(result))
        else:
            self.stdout.write(
                f"Restored {result['objects']} records and {result['media_files']} files "
                f"from {result['file']}."
            )
