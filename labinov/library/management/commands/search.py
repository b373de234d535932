import json

from django.core.management.base import BaseCommand, CommandError

from labinov.library.selectors import search_entries


class Command(BaseCommand):
    help = "Search the knowledge base (Indonesian-aware); --json prints a JSON list, best first."

    def add_arguments(self, parser):
        parser.add_argument("query", help="what to look for, e.g. 'akta kelahiran'")
        parser.add_argument("--limit", type=int, default=10, help="how many results (default 10)")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args, query, limit, json: bool, **options):
        if limit < 1 or limit > 1000:
            raise CommandError("--limit must be between 1 and 1000.")
        results = search_entries(None, query, limit=limit, snippets=False)
        items = [
            {
                "source_id": hit.entry.source_id,
                "name": hit.entry.name,
                "region": hit.entry.region,
                "province": hit.entry.province,
                "year": hit.entry.year,
                "sector": hit.entry.sector,
                "score": hit.score,
            }
            for hit in results.hits
        ]
        if json:
            self.stdout.write(json_dumps(items))
            return
        if not items:
            self.stdout.write("Tidak ada hasil.")
        for n, item in enumerate(items, 1):
            self.stdout.write(f"{n:>3}. {item['name']} — {item['region']} ({item['score']})")


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
