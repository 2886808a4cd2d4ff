"""Time the follow-up sweeper over a million delivered orders, then a sweep killed midway and re-run."""

import time

from django.core.management import call_command
from django.db import connection

from bench.generators.followups import ORDERS, orders_generate, orders_generated_count
from followups import services
from followups.models import FollowUpRule, FollowUpVisit
from helpdesk.databases import database_ensure

HELP = ("Time the follow-up sweeper over 1,000,000 delivered orders with 10,000 newly due (generated on first "
        "use), then a sweep killed midway and re-run.")


def add_arguments(parser):
    pass


def _duplicates() -> int:
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FROM (SELECT 1 FROM customers_followupvisit GROUP BY rule_id, source_type,
                          source_id, period HAVING count(*) > 1) AS d""")
        return cursor.fetchone()[0]


def main(args) -> int:
    database_ensure()
    call_command("migrate", verbosity=0)
    if not orders_generated_count():
        print(f"Generating {ORDERS:,} delivered orders…")
        orders_generate(progress=lambda what, done, total: print(f"\r  {what}: {done}/{total}", end="", flush=True))
        print()
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
    print("| sweep | seconds | visits created |\n|---|---:|---:|")
    print(f"| first sweep, 1,000,000 delivered orders, 10,000 newly due | {first:.2f} | {created:,} |")
    print(f"| second sweep (nothing due) | {second:.2f} | {again:,} |")
    print(f"| re-run after losing {len(lost):,} visits (killed sweep) | {third:.2f} | {missing:,} |")
    print(f"visits of the rule: {total:,}; duplicate (rule, source) keys: {_duplicates()}")
    return 0
