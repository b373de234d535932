from django.core.management.base import BaseCommand, CommandError

from labinov.library.search import textindex


class Command(BaseCommand):
    help = (
        "Bring the knowledge base's embedded search index up to date with the database "
        "(building it when there is none); --rebuild writes it anew from every entry."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="write the index anew from the database"
        )

    def handle(self, *args, rebuild: bool, **options):
        if not textindex.enabled():
            raise CommandError("The search index is off (LABINOV_SEARCH_INDEX=off).")
        if rebuild:
            count = textindex.rebuild()
            self.stdout.write(f"Search index rebuilt: {count} entries.")
        else:
            count = textindex.sync()
            self.stdout.write(f"Search index up to date: {count} changes applied.")
