import time

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand

from customers.bench_data import bench_import_csv
from customers.models import CustomerImport
from customers.services import customer_import_create, customer_import_run
from helpdesk.demo import demo_users_load
from helpdesk.models import User


class Command(BaseCommand):
    help = "Time the import of a generated GBK CSV of fresh customers (default 100,000 rows), with progress."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--mode", default=CustomerImport.Mode.ALL_OR_NOTHING, choices=CustomerImport.Mode.values)
        parser.add_argument("--bad-every", type=int, default=0, help="make every n-th row invalid")

    def handle(self, *args, rows, mode, bad_every, **options):
        demo_users_load()
        offset = (CustomerImport.objects.count() + 1) * rows
        content = bench_import_csv(rows=rows, offset=offset, bad_every=bad_every)
        job = customer_import_create(actor=User.objects.get(username="agent"),
                                     upload=SimpleUploadedFile("bench.csv", content), mode=mode)
        started = time.perf_counter()
        job = customer_import_run(import_id=job.pk)
        seconds = time.perf_counter() - started
        self.stdout.write(f"| customers: import {rows:,} rows (GBK CSV, {mode}) | {seconds:.1f} s | "
                          f"{job.created_count} created, {job.error_count} bad rows, status {job.status} |")
