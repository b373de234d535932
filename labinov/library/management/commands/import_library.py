import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from labinov.core.errors import NotAllowed
from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.exchange import ExchangeError, read_file, valid_rows
from labinov.library.progress import ProgressBar

#: Valid rows kept in memory between the checking pass and the writing pass; a larger
#: file is read twice instead.
KEEP_ROWS = 250_000


class Command(BaseCommand):
    help = (
        "Import innovations into the knowledge base from a CSV, XLSX or JSON Lines file "
        "(exchange format of DESIGN.md). A file with bad rows imports nothing and every bad "
        "row is reported, unless --skip-invalid."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv, .xlsx or .jsonl file")
        parser.add_argument(
            "--skip-invalid",
            action="store_true",
            help="import the valid rows and report the bad ones",
        )
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, file, skip_invalid, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(path)s") % {"path": path})
        bar = ProgressBar("Membaca", stream=self.stderr._out)
        try:
            with path.open("rb") as stream:
                parsed = read_file(stream, path.name, progress=bar.update, keep_rows=KEEP_ROWS)
        except ExchangeError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        finally:
            bar.close()
        outcome = {
            "file": path.name,
            "valid_rows": parsed.valid_count,
            "bad_rows": parsed.bad_rows,
            "problems": [p.as_dict() for p in parsed.problems],
            "imported": False,
            "created": 0,
            "updated": 0,
        }
        if parsed.problems and not skip_invalid:
            self._report(outcome, parsed.problems, as_json=json)
            raise CommandError(
                _(
                    "%(n)s row(s) are not valid: nothing was imported (fix them, or give "
                    "--skip-invalid to import the valid rows)."
                )
                % {"n": parsed.bad_rows}
            )
        bar = ProgressBar("Mengimpor", total=parsed.valid_count, stream=self.stderr._out)
        # Rows kept from the first pass when the file is small enough, else read again.
        stream = path.open("rb")
        rows = (
            (row for _n, row in parsed.rows)
            if parsed.rows_complete
            else valid_rows(stream, path.name)
        )
        try:
            result = actions.import_entries(
                acting_user=SystemActor("cli: labinov import-library"),
                rows=rows,
                file_name=path.name,
                skipped=parsed.bad_rows,
                progress=bar.update,
            )
        except NotAllowed as exc:  # pragma: no cover - the system actor may import
            raise CommandError(str(exc.message)) from exc
        finally:
            stream.close()
            bar.close()
        outcome.update(imported=True, created=result.created, updated=result.updated)
        self._report(outcome, parsed.problems, as_json=json)

    def _report(self, outcome, problems, *, as_json):
        if as_json:
            self.stdout.write(json.dumps(outcome, ensure_ascii=False))
            return
        for problem in problems:
            self.stderr.write(f"{outcome['file']}: {problem}")
        if outcome["imported"]:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "%(file)s: %(created)s added, %(updated)s updated, "
                        "%(bad)s bad row(s) skipped."
                    )
                    % {
                        "file": outcome["file"],
                        "created": outcome["created"],
                        "updated": outcome["updated"],
                        "bad": outcome["bad_rows"],
                    }
                )
            )
