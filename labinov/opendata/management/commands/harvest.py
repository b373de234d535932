import json

from django.core.management.base import BaseCommand, CommandError

from labinov.core.system import SystemActor
from labinov.opendata.actions import harvest_feed
from labinov.opendata.models import Feed


class Command(BaseCommand):
    help = (
        "Harvest other installations' open feeds into the knowledge base now (all active "
        "feeds, or --feed ID); --json prints each feed's status and message."
    )

    def add_arguments(self, parser):
        parser.add_argument("--feed", type=int, help="only this feed (its id)")
        parser.add_argument("--json", action="store_true", help="print a JSON list")

    def handle(self, *args, feed=None, json: bool = False, **options):
        feeds = Feed.objects.filter(pk=feed) if feed else Feed.objects.filter(active=True)
        if feed and not feeds.exists():
            raise CommandError(f"There is no feed {feed}.")
        results = []
        for target in feeds:
            done = harvest_feed(acting_user=SystemActor("cli: labinov harvest"), feed=target)
            results.append(
                {
                    "id": done.pk,
                    "name": done.name,
                    "url": done.url,
                    "origin": done.source_key,
                    "status": done.status,
                    "message": done.message,
                    "problems": done.problems,
                }
            )
        if json:
            self.stdout.write(json_dumps(results))
        else:
            for r in results:
                self.stdout.write(f"{r['name']}: {r['status']}. {r['message']}")
                for p in r["problems"][:20]:
                    self.stdout.write(f"  {p['row']} {p['column']}: {p['reason']}")
        if any(r["status"] != Feed.Status.DONE for r in results):
            raise CommandError("Some feeds were not harvested.")


def json_dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False)
