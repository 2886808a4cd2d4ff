import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kpi.services import ticket_facts_rebuild


class Command(BaseCommand):
    help = "Re-measure the KPI facts of tickets created on the given local days (default: the last 90)."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat)
        parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat)

    def handle(self, *args, date_from, date_to, **options):
        date_to = date_to or timezone.localdate()
        date_from = date_from or date_to - dt.timedelta(days=90)
        if date_from > date_to:
            raise CommandError("--from is after --to")
        written = ticket_facts_rebuild(date_from=date_from, date_to=date_to)
        self.stdout.write(f"{written} tickets measured ({date_from} – {date_to}).")
