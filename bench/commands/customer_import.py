"""Time the customer import of a generated GBK CSV."""

import time

from django.core.files.uploadedfile import SimpleUploadedFile

from bench.generators.customers import import_csv
from customers.models import CustomerImport
from customers.services import customer_import_create, customer_import_run
from helpdesk.demo import demo_users_load
from helpdesk.models import User

HELP = "Time the import of a generated GBK CSV of fresh customers (default 100,000 rows)."


def add_arguments(parser):
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--mode", default=CustomerImport.Mode.ALL_OR_NOTHING, choices=CustomerImport.Mode.values)
    parser.add_argument("--bad-every", type=int, default=0, help="make every n-th row invalid")


def main(args) -> int:
    demo_users_load()
    offset = (CustomerImport.objects.count() + 1) * args.rows
    content = import_csv(rows=args.rows, offset=offset, bad_every=args.bad_every)
    job = customer_import_create(actor=User.objects.get(username="agent"),
                                 upload=SimpleUploadedFile("bench.csv", content), mode=args.mode)
    started = time.perf_counter()
    job = customer_import_run(import_id=job.pk)
    seconds = time.perf_counter() - started
    print(f"| customers: import {args.rows:,} rows (GBK CSV, {args.mode}) | {seconds:.1f} s | "
          f"{job.created_count} created, {job.error_count} bad rows, status {job.status} |")
    return 0
