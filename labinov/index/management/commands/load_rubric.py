import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from labinov.core.errors import ActionError
from labinov.core.system import SystemActor
from labinov.index.actions import RubricRefused, load_rubric


class Command(BaseCommand):
    help = (
        "Load a version of the innovation-index rubric from a JSON file; a bad file is "
        "refused whole, with every error listed."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the rubric's JSON file")
        parser.add_argument(
            "--provenance", help="a text file saying where the rubric comes from (e.g. its README)"
        )
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, file, provenance, json: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        note = Path(provenance).read_text(encoding="utf-8") if provenance else ""
        try:
            rubric, outcome = load_rubric(
                acting_user=SystemActor("cli: labinov load-rubric"),
                data=path.read_bytes(),
                file_name=path.name,
                provenance=note,
            )
        except RubricRefused as exc:
            if json:
                self.stdout.write(
                    _dumps({"ok": False, "message": str(exc.message), "errors": exc.errors})
                )
            else:
                self.stderr.write(str(exc.message))
                for error in exc.errors:
                    self.stderr.write(f"  - {error}")
            raise CommandError(f"{len(exc.errors)} errors; nothing was loaded.") from exc
        except ActionError as exc:
            raise CommandError(str(exc.message)) from exc
        if json:
            self.stdout.write(
                _dumps(
                    {
                        "ok": True,
                        "version": rubric.version,
                        "outcome": outcome,
                        "sha256": rubric.sha256,
                    }
                )
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"{rubric.version}: {outcome}."))


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
