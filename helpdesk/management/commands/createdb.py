from django.core.management.base import BaseCommand

from helpdesk.databases import database_ensure


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it does not exist (no-op on SQLite)."

    def handle(self, *args, **options):
        database_ensure()
