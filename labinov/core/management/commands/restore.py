import sys
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from labinov.core.backup import BackupError, verify_backup
from labinov.core.management.commands.backup import json_dumps
from labinov.core.restore import restore_backup
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
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        try:
            # The whole archive is checked before anything is asked or touched.
            manifest = verify_backup(path)
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError(_("Restoring replaces all data: add --yes to confirm."))
            answer = input(
                _(
                    "Replace ALL data with the backup of %(created_at)s (%(objects)s records)? "
                    "Type 'yes': "
                )
                % {"created_at": manifest["created_at"], "objects": manifest["objects"]}
            )
            if answer.strip().lower() not in ("yes", "ya"):
                raise CommandError(_("Restore cancelled."))
        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = restore_backup(path, acting_user=SystemActor("cli: labinov restore"))
        except (BackupError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if json:
            self.stdout.write(json_dumps(result))
        else:
            self.stdout.write(
                _("Restored %(objects)s records and %(files)s files from %(file)s.")
                % {
                    "objects": result["objects"],
                    "files": result["media_files"],
                    "file": result["file"],
                }
            )
