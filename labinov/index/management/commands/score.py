import json

from django.core.management.base import BaseCommand, CommandError

from labinov.index.selectors import UnknownIndex, region_by_code, region_index


class Command(BaseCommand):
    help = (
        "The regional innovation index (IID) of a region: index 0-100, category, aspects "
        "and what is missing; --json prints it as JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("region", metavar="REGION_CODE", help="the Kemendagri code, e.g. 33.03")
        parser.add_argument("--year", type=int, help="the assessment's year (default: the latest)")
        parser.add_argument(
            "--rubric", metavar="VERSION", help="score with another rubric version, e.g. IID-2026"
        )
        parser.add_argument(
            "--missing", type=int, default=10, help="how many missing items to print"
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, region, year, rubric, missing, json: bool, **options):
        try:
            result = region_index(region_by_code(region), year, rubric)
        except UnknownIndex as exc:
            raise CommandError(exc.message) from exc
        if json:
            self.stdout.write(_dumps(result))
            return
        self.stdout.write(
            f"{result['region_name']} ({result['region']}), {result['year']}, {result['rubric']}"
            + (" [demo]" if result["is_demo"] else "")
        )
        self.stdout.write(f"Indeks: {result['index']:.2f} — {result['category']}")
        for aspect in result["aspects"]:
            code, name = aspect["code"], aspect["name"]
            self.stdout.write(f"  {code:<6} {aspect['score']:>8.2f} / {aspect['max']:g}  {name}")
        self.stdout.write(
            f"Inovasi dinilai: {result['eligible']} (pembagi {result['divisor']}), "
            f"tidak memenuhi syarat: {len(result['ineligible'])}"
        )
        if result["missing"]:
            self.stdout.write("Yang kurang (tambahan poin indeks):")
            for item in result["missing"][:missing]:
                who = f" — {item['innovation_name']}" if item["innovation_name"] else ""
                self.stdout.write(f"  +{item['points']:.2f}  {item['number']}. {item['name']}{who}")


def _dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
