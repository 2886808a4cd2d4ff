import time

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

from customers.bench_followups import BENCH_ORDERS, bench_orders_count, bench_orders_generate
from followups import services
from followups.models import FollowUpRule, FollowUpVisit
from helpdesk.databases import database_ensure


def _duplicates() -> int:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM (SELECT 1 FROM customers_followupvisit GROUP BY rule_id, source_type,
                          source_id, period HAVING count(*) > 1) AS d""")
        return cursor.fetchone()[0]


class Command(BaseCommand):
    help = ("Time the follow-up sweeper over 1,000,000 delivered orders with 10,000 newly due (generated on first "
            "use), then a sweep killed midway and re-run.")

    def handle(self, *args, **options):
        database_ensure()
        call_command("migrate", verbosity=0)
        if not bench_orders_count():
            self.stdout.write(f"Generating {BENCH_ORDERS:,} delivered orders…")
            bench_orders_generate(progress=lambda what, done, total: self.stdout.write(f"\r  {what}: {done}/{total}", ending=""))
            self.stdout.write("")
        rule = FollowUpRule.objects.get(code="delivered-7d")
        FollowUpVisit.objects.filter(rule=rule).delete()
        started = time.perf_counter()
        created = services.visit_sweep_rule(rule=rule)
        first = time.perf_counter() - started
        started = time.perf_counter()
        again = services.visit_sweep_rule(rule=rule)
        second = time.perf_counter() - started
        # A sweep killed midway: a third of the visits never written; the re-run writes exactly those.
        lost = list(FollowUpVisit.objects.filter(rule=rule).order_by("?").values_list("pk", flat=True)[: created // 3])
        FollowUpVisit.objects.filter(pk__in=lost).delete()
        started = time.perf_counter()
        missing = services.visit_sweep_rule(rule=rule)
        third = time.perf_counter() - started
        total = FollowUpVisit.objects.filter(rule=rule).count()
        self.stdout.write("| sweep | seconds | visits created |\n|---|---:|---:|")
        self.stdout.write(f"| first sweep, 1,000,000 delivered orders, 10,000 newly due | {first:.2f} | {created:,} |")
        self.stdout.write(f"| second sweep (nothing due) | {second:.2f} | {again:,} |")
        self.stdout.write(f"| re-run after losing {len(lost):,} visits (killed sweep) | {third:.2f} | {missing:,} |")
        self.stdout.write(f"visits of the rule: {total:,}; duplicate (rule, source) keys: {_duplicates()}")
