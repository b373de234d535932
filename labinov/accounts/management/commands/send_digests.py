from django.core.management.base import BaseCommand

from labinov.accounts.notify import send_digests


class Command(BaseCommand):
    help = (
        "E-mail each person the notifications they have not read since their last digest. "
        "Once a day per person (a second run the same day sends nothing); people who "
        "switched the daily e-mail off on their account page are skipped."
    )

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"{sent} digests sent.")
