import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labinov.library.exchange import COLUMNS, ExchangeError, file_format, write_file
from labinov.library.progress import ProgressBar
from labinov.library.selectors import entries_visible_to


class Command(BaseCommand):
    help = "Export the knowledge base to a CSV, XLSX or JSON Lines file (format by extension)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="a .csv, .xlsx or .jsonl file to write")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, file, json: bool, **options):
        path = Path(file)
        try:
            file_format(path.name)
        except ExchangeError as exc:
            raise CommandError(str(exc)) from exc
        entries = entries_visible_to(None).order_by("source", "source_id")
        total = entries.count()
        bar = ProgressBar("Mengekspor", total=total, stream=self.stderr._out)

        def records():
            for n, record in enumerate(entries.values(*COLUMNS).iterator(chunk_size=5000), 1):
                if n % 1000 == 0:
                    bar.update(n)
                yield record

        try:
            count = write_file(records(), path)
        finally:
            bar.close()
        if json:
            self.stdout.write(json_dumps({"file": str(path), "rows": count}))
        else:
            self.stdout.write(self.style.SUCCESS(f"{count} innovation(s) written to {path}."))


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
