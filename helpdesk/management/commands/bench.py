import platform

import django
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from helpdesk.benchmarking import bench_cases, bench_database, bench_run, bench_table
from helpdesk.databases import database_ensure
from helpdesk.demo import demo_users_load
from helpdesk.generated_data import generate
from tickets.models import Ticket


class Command(BaseCommand):
    help = "Time the main pages and endpoints on generated data; print median, p95 and SQL queries."

    def add_arguments(self, parser):
        parser.add_argument("--tickets", type=int, default=100_000, help="generate tickets up to this many first")
        parser.add_argument("--messages-per-ticket", type=int, default=5)
        parser.add_argument("--repeat", type=int, default=None, help="override each case's repeat count")
        parser.add_argument("--only", default="", help="run only cases whose name contains this text")
        parser.add_argument("--module", default="", help="run only the cases of this module, e.g. tickets.bench")

    def handle(self, *args, tickets, messages_per_ticket, repeat, only, module, **options):
        database_ensure()
        call_command("migrate", verbosity=0)
        call_command("collectstatic", interactive=False, verbosity=0)
        demo_users_load()
        have = Ticket.objects.count()
        if have < tickets:
            self.stdout.write(f"Generating {tickets - have} tickets ({messages_per_ticket} messages each)…")
            generate(customers=max(1000, (tickets - have) // 10), tickets=tickets - have,
                     messages_per_ticket=messages_per_ticket, progress=self.progress)
            self.stdout.write("")
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        cases = [case for case in bench_cases() if only in case.name and (not module or case.module == module)]
        results = []
        for case in cases:
            self.stdout.write(f"  {case.name}…", ending="\r")
            results.append(bench_run(case, repeat=repeat))
        self.stdout.write(
            f"\n{bench_database()}, "
            f"{Ticket.objects.count()} tickets, Django {django.get_version()}, Python {platform.python_version()}\n"
        )
        self.stdout.write(bench_table(results))

    def progress(self, what, done, total):
        self.stdout.write(f"\r  {what}: {done}/{total} ({done * 100 // max(total, 1)}%)", ending="")
        self.stdout.flush()
