from django.core.management.base import BaseCommand

from labinov.demo.loader import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from labinov.library.models import LibraryEntry
from labinov.regions.models import Region


class Command(BaseCommand):
    help = "Load the demo region (Kabupaten Purbalingga) with its units and demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing when the database already holds a region",
        )

    def handle(self, *args, if_empty, **options):
        if if_empty and Region.objects.exists():
            self.stdout.write("The database already holds regions; the demo was not loaded.")
            return
        region = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo region: {region} ({region.code}), {region.units.count()} units."
            )
        )
        self.stdout.write(f"Knowledge base: {LibraryEntry.objects.count()} innovations.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for account in DEMO_ACCOUNTS:
            where = f" — {account.unit}" if account.unit else ""
            self.stdout.write(f"  {account.username:<18} {account.role.label}{where}")
