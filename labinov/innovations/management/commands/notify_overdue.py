from django.core.management.base import BaseCommand

from labinov.innovations.overdue import notify_overdue


class Command(BaseCommand):
    help = (
        "Notify units of what is overdue today: stages past the programme's planned end, "
        "action-plan steps past their end. Each is told once; the task workers run it daily."
    )

    def handle(self, *args, **options):
        written = notify_overdue()
        self.stdout.write(f"{written} notifications written.")
