import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from labinov.core.errors import NotAllowed
from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.exchange import ExchangeError, estimate_rows, file_format, iter_rows
from labinov.library.helper import HelperStopped
from labinov.library.progress import ProgressBar
from labinov.library.search import textindex


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
        try:
            file_format(path.name)
            with path.open("rb") as stream:
                bar = ProgressBar(
                    "Mengimpor", total=estimate_rows(stream, path.name), stream=self.stderr._out
                )
                try:
                    result = actions.import_rows(
                        acting_user=SystemActor("cli: labinov import-library"),
                        rows=iter_rows(stream, path.name),
                        skip_invalid=skip_invalid,
                        file_name=path.name,
                        progress=bar.update,
                    )
                finally:
                    bar.close()
        except ExchangeError as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        except NotAllowed as exc:  # pragma: no cover - the system actor may import
            raise CommandError(str(exc.message)) from exc
        except HelperStopped as exc:
            raise CommandError(actions.helper_stopped_message(path.name, exc.exit_code)) from exc
        outcome = {
            "file": path.name,
            "valid_rows": result.rows_read - result.bad_rows,
            "bad_rows": result.bad_rows,
            "problems": [p.as_dict() for p in result.problems],
            "imported": result.imported,
            "created": result.created,
            "updated": result.updated,
        }
        if result.imported and textindex.enabled():
            # The embedded search index takes the new entries now rather than from a worker.
            try:
                textindex.sync()
            except HelperStopped as exc:
                # The entries are in: searches answer from the database's own index until
                # the worker's sync (queued by the import) has them in the embedded one.
                self.stderr.write(
                    _(
                        "%(file)s: imported, but the process computing the search terms "
                        "stopped (exit code %(code)s): the background worker adds the new "
                        "entries to the search index, or run `labinov search-index`."
                    )
                    % {"file": path.name, "code": exc.exit_code}
                )
        self._report(outcome, result.problems, as_json=json)
        if not result.imported:
            raise CommandError(
                _(
                    "%(n)s row(s) are not valid: nothing was imported (fix them, or give "
                    "--skip-invalid to import the valid rows)."
                )
                % {"n": result.bad_rows}
            )

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
