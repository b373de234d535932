import json as json_module

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from labinov.library.models import LibraryEntry
from labinov.library.progress import ProgressBar
from labinov.library.search import embeddings


class Command(BaseCommand):
    help = (
        "Compute now the sentence embeddings of the knowledge-base entries that have none "
        "(background tasks do it after every import). Needs the optional embeddings extra."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, json: bool, **options):
        if not embeddings.enabled():
            raise CommandError(
                _(
                    "Sentence embeddings are off: install the optional package "
                    "(pip install 'labinov[embeddings]') and leave LABINOV_EMBEDDINGS "
                    "unset or 'auto'."
                )
            )
        missing = LibraryEntry.objects.filter(embedding__isnull=True).count()
        bar = ProgressBar("Menghitung embedding", total=missing, stream=self.stderr._out)
        try:
            done = embeddings.embed_missing(progress=bar.update)
        finally:
            bar.close()
        if json:
            self.stdout.write(json_module.dumps({"embedded": done, "model": embeddings.MODEL}))
        else:
            self.stdout.write(self.style.SUCCESS(_("%(n)s entries embedded.") % {"n": done}))
