from django.core.management.base import BaseCommand

from helpdesk.databases import database_ensure


class Command(BaseCommand):
    help = "Create the configured PostgreSQL database if it does not exist."
    # The checks of generated columns ask the database server for its features: it may not exist yet.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--fresh", action="store_true", help="drop the database first (every row is lost)")

    def handle(self, *args, fresh, **options):
        database_ensure(fresh=fresh)
