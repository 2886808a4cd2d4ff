"""Orders under volume: a timed import of generated orders, generated returns, and request rates over HTTP."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import uuid

from django.conf import settings
from django.core.management import call_command
from django.db import connection
from rest_framework.authtoken.models import Token

from bench.generators.orders import orders_csv_write, returns_generate
from bench.load.http import server_cpu_seconds
from bench.load.orders import upsert_rate, webhook_rate
from bench.results import database_version
from helpdesk.databases import database_ensure
from helpdesk.demo import demo_users_load
from helpdesk.embedded import free_port
from orders.importing import orders_import
from orders.models import Order, ReturnRequest

HELP = ("Orders benchmarks: import N orders from a generated CSV, generate returns, measure the upsert and "
        "signed-webhook rates over HTTP.")


def add_arguments(parser):
    parser.add_argument("--import-orders", type=int, default=0, help="generate and import this many orders (timed)")
    parser.add_argument("--returns", type=int, default=0, help="generate returns up to this many")
    parser.add_argument("--upsert-requests", type=int, default=0, help="PUT this many orders to a local server")
    parser.add_argument("--webhook-requests", type=int, default=0, help="POST this many signed order events")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn workers for the upsert run")
    parser.add_argument("--port", type=int, default=None, help="port of the local server (default: a free one)")


def main(args) -> int:
    database_ensure()
    call_command("migrate", verbosity=0)
    demo_users_load()
    if args.import_orders:
        import_timed(args.import_orders)
    if args.returns:
        started = time.perf_counter()
        made = returns_generate(count=args.returns, progress=progress)
        print(f"\n{made} returns generated in {time.perf_counter() - started:.1f} s; "
              f"{ReturnRequest.objects.count()} in all")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    if args.upsert_requests or args.webhook_requests:
        rates_measure(args.upsert_requests, args.concurrency, args.workers, args.port or free_port(),
                      webhook_requests=args.webhook_requests)
    return 0


def import_timed(count: int) -> None:
    """Write a CSV of generated orders and time its import."""
    start = Order.objects.filter(number__startswith="BO").count()
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "orders.csv")
        print(f"Writing {count} orders to a CSV…")
        rows = orders_csv_write(path, orders=count, start=start)
        print(f"{rows} rows ({os.path.getsize(path) // 1_000_000} MB); importing…")
        started = time.perf_counter()
        with open(path, "rb") as handle:
            result = orders_import(handle, name=path, progress=lambda r: progress(
                "import", r["rows"], rows, f"{r['created']} orders, {time.perf_counter() - started:.0f} s"))
        elapsed = time.perf_counter() - started
    print(f"\nImported {result['created']} orders ({result['rows']} rows, {result['refused']} refused) "
          f"in {elapsed:.1f} s on {database_version()}")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def rates_measure(requests: int, concurrency: int, workers: int, port: int, webhook_requests: int = 0) -> None:
    """Start uvicorn workers and measure the upsert and webhook rates against them."""
    from django.contrib.auth.models import Group

    from helpdesk.models import User

    # The shop's integration account: not a superuser, so each request checks its role's permissions.
    shop, _created = User.objects.get_or_create(username="shop-sync-bench", defaults={"display_name": "Shop sync"})
    shop.groups.set([Group.objects.get(name="Admin")])
    token, _created = Token.objects.get_or_create(user=shop)
    secret = settings.ORDER_WEBHOOK_SECRET or "bench-order-webhook-secret"
    server = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "helpdesk.asgi:application", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--no-access-log", "--log-level", "warning"],
        # The run measures the server's capacity, so the per-token rate limit is lifted.
        env={**os.environ, "DJANGO_ALLOWED_HOSTS": "127.0.0.1", "ORDER_WEBHOOK_SECRET": secret,
             "API_RATE_LIMIT": "1000000/minute"}, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.3)
        # Orders of this run (a fresh status history each, as a real order has), made by the warm-up: then every
        # measured request updates an order (updated_at always newer, status changed every 500 requests).
        run = uuid.uuid4().hex[:6]
        put, hook = f"UPS{run}-", f"WH{run}-"
        upsert_rate(base_url=base, token=token.key, requests=500, concurrency=concurrency, prefix=put)
        if requests:
            cpu = server_cpu_seconds(server.pid)
            result = upsert_rate(base_url=base, token=token.key, requests=requests, concurrency=concurrency, prefix=put)
            rate_write("PUT /api/v1/orders/by-number/", result, server, cpu, workers, concurrency)
        if webhook_requests:
            webhook_rate(base_url=base, secret=secret, requests=500, concurrency=concurrency, prefix=hook)
            cpu = server_cpu_seconds(server.pid)
            result = webhook_rate(base_url=base, secret=secret, requests=webhook_requests, concurrency=concurrency,
                                  prefix=hook)
            rate_write("POST /api/v1/webhooks/orders/", result, server, cpu, workers, concurrency)
    finally:
        server.terminate()
        server.wait(timeout=30)


def rate_write(what, result, server, cpu_before, workers, concurrency):
    """Print a rate run with the server's CPU time per request (all uvicorn processes)."""
    cpu_after = server_cpu_seconds(server.pid)
    if cpu_before is not None and cpu_after is not None:
        result["server_cpu_ms"] = round((cpu_after - cpu_before) * 1000 / result["requests"], 2)
    print(f"{what}: {result} ({workers} uvicorn workers, {concurrency} client connections, "
          f"DEBUG={settings.DEBUG})")


def progress(what, done, total, extra=""):
    print(f"\r  {what}: {done}/{total} ({done * 100 // max(total, 1)}%) {extra}   ", end="", flush=True)
