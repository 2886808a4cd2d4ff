"""Benchmarks of orders and returns: request cases for `make bench`, plus the import, volume and upsert-rate runs
of `manage.py orders_bench` (see the README)."""

import csv
import json
import random
import statistics
import time
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from helpdesk.benchmarking import BenchCase
from helpdesk.generated_data import _given_timestamps
from orders.importing import COLUMNS
from orders.models import Order, OrderItem, ReturnDeadline, ReturnEvent, ReturnItem, ReturnRequest

STATUSES = ["delivered"] * 6 + ["completed"] * 2 + ["shipped", "paid"]
PRODUCTS = [("SKU-TEA-001", "西湖龙井 明前特级 250g", "罐装", "368.00"), ("SKU-PHN-014", "无线蓝牙耳机 Pro", "白色", "599.00"),
            ("SKU-CLO-233", "羊毛混纺大衣", "驼色 / L", "1299.00"), ("SKU-KIT-087", "不粘炒锅 32cm", "", "239.00"),
            ("SKU-SHO-450", "轻便跑步鞋", "黑色 / 42", "459.00"), ("SKU-BAB-120", "婴儿纸尿裤 L 码 4 包", "L", "256.00")]


def _first_order_id() -> str:
    order = Order.objects.order_by("-id").only("id").first()
    return f"/api/v1/orders/{order.pk}/" if order else "/api/v1/orders/"


def _first_return_id() -> str:
    ret = ReturnRequest.objects.order_by("-created_at", "-id").only("id").first()
    return f"/returns/{ret.pk}/" if ret else "/returns/"


def _upsert_body() -> dict:
    return {"customer": {"name": "压测", "phone": "13700000000"}, "status": "paid", "total_amount": "368.00",
            "placed_at": "2026-11-20T10:00:00+08:00", "updated_at": "2026-11-20T10:00:00+08:00",
            "items": [{"sku": "SKU-TEA-001", "name": "西湖龙井", "quantity": 1, "unit_price": "368.00"}]}


BENCH_CASES = [
    BenchCase("GET /api/v1/returns/ (25 newest, deadlines)", "/api/v1/returns/"),
    BenchCase("GET /api/v1/returns/?status=confirmed", "/api/v1/returns/?status=confirmed"),
    BenchCase("returns list page (50 rows, deadlines)", "/returns/"),
    BenchCase("return detail page (quote, deadlines, timeline)", _first_return_id),
    BenchCase("GET /api/v1/orders/ (25 newest)", "/api/v1/orders/"),
    BenchCase("GET /api/v1/orders/?q=<number>", "/api/v1/orders/?q=BO0000000042"),
    BenchCase("GET /api/v1/orders/{id}/", _first_order_id),
    BenchCase("orders list page (50 rows)", "/orders/"),
    BenchCase("PUT /api/v1/orders/by-number/ (unchanged)", "/api/v1/orders/by-number/BENCH-UPSERT-1/", username="admin",
              method="put", data=_upsert_body, expect=(200, 201)),
]


def orders_csv_write(path: str, *, orders: int, start: int = 0, phones: int = 100_000, seed: int = 7) -> int:
    """Write an import file of generated orders with 2.5 items each on average; return the rows written."""
    rng = random.Random(seed)
    now = timezone.localtime()
    rows = 0
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        for n in range(start, start + orders):
            placed = now - timedelta(minutes=rng.randint(60 * 24 * 3, 60 * 24 * 400))
            status = rng.choice(STATUSES)
            delivered = (placed + timedelta(days=3)).isoformat() if status in ("delivered", "completed") else ""
            head = [f"BO{n:010d}", f"139{n % phones:08d}", "客户", status, placed.isoformat(), delivered, "天猫旗舰店",
                    "alipay", "0"]
            for line in range(2 if n % 2 else 3):  # 2.5 items per order on average
                sku, name, spec, price = PRODUCTS[(n + line) % len(PRODUCTS)]
                writer.writerow(head + [f"{sku}-{line}", name, spec, 1 + (n + line) % 3, price])
                rows += 1
    return rows


def returns_generate(*, count: int, progress=None) -> int:
    """Bulk-insert returns (one item, confirm met, pickup open or breached) on delivered generated orders."""
    have = ReturnRequest.objects.count()
    if have >= count:
        return 0
    needed = count - have
    order_ids = list(Order.objects.filter(status__in=["delivered", "completed"], returns__isnull=True)
                     .order_by("id").values_list("id", "customer_id")[:needed])
    now = timezone.now()
    rng = random.Random(11)
    statuses = [ReturnRequest.Status.CONFIRMED, ReturnRequest.Status.APPROVED, ReturnRequest.Status.AWAITING_RETURN,
                ReturnRequest.Status.REFUNDED, ReturnRequest.Status.CLOSED, ReturnRequest.Status.REJECTED]
    made = 0
    for start in range(0, len(order_ids), 5000):
        batch = order_ids[start:start + 5000]
        items = dict(OrderItem.objects.filter(order_id__in=[o for o, _c in batch]).order_by("order_id", "-id")
                     .values_list("order_id", "id"))
        with transaction.atomic():
            returns = []
            for i, (order_id, customer_id) in enumerate(batch):
                created = now - timedelta(minutes=rng.randint(0, 60 * 24 * 180))
                returns.append(ReturnRequest(
                    number=f"B{have + start + i:09d}", order_id=order_id, customer_id=customer_id,
                    kind="return",
                    reason=rng.choice(["no_reason", "quality", "damaged", "other"]), status=rng.choice(statuses),
                    contact_name="客户", contact_phone=f"139{order_id % 100000:08d}", created_at=created, updated_at=created))
            with _given_timestamps(ReturnRequest):
                returns = ReturnRequest.objects.bulk_create(returns)
            ReturnItem.objects.bulk_create([ReturnItem(return_request_id=r.pk, order_item_id=items[r.order_id], quantity=1)
                                            for r in returns if r.order_id in items])
            deadlines = []
            for r in returns:
                deadlines.append(ReturnDeadline(return_request_id=r.pk, step="confirm", started_at=r.created_at,
                                                due_at=r.created_at + timedelta(hours=24), met_at=r.created_at + timedelta(minutes=1)))
                due = r.created_at + timedelta(days=4)
                deadlines.append(ReturnDeadline(return_request_id=r.pk, step="pickup", started_at=r.created_at, due_at=due,
                                                breached_at=due if due < now and rng.random() < 0.1 else None,
                                                met_at=None if rng.random() < 0.5 else r.created_at + timedelta(days=1)))
            ReturnDeadline.objects.bulk_create(deadlines)
            ReturnEvent.objects.bulk_create([ReturnEvent(return_request_id=r.pk, kind="status", to_status="submitted")
                                             for r in returns])
        made += len(batch)
        progress and progress("returns", made, needed)
    return made


def _upsert_request(n: int, *, token: str, distinct: int, prefix: str = "UPS") -> bytes:
    """Return the raw HTTP/1.1 PUT of request n: one of ``distinct`` orders, its status flipped every round, a newer updated_at."""
    body = json.dumps({**_upsert_body(), "customer": {"name": "压测", "phone": f"1370000{n % distinct:04d}"},
                       "status": ["paid", "shipped"][(n // distinct) % 2],
                       "updated_at": (timezone.now() + timedelta(microseconds=n)).isoformat()}).encode()
    return (f"PUT /api/v1/orders/by-number/{prefix}{n % distinct:06d}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def _webhook_request(n: int, *, secret: str, run: str, distinct: int, prefix: str = "WH") -> bytes:
    """Return the raw HTTP/1.1 POST of signed event n: a new event id, the order's status flipped every round."""
    from orders.shop_sync import webhook_signature

    order = {**_upsert_body(), "number": f"{prefix}{n % distinct:06d}",
             "customer": {"name": "压测", "phone": f"1360000{n % distinct:04d}"},
             "status": ["paid", "shipped"][(n // distinct) % 2],
             "updated_at": (timezone.now() + timedelta(microseconds=n)).isoformat()}
    body = json.dumps({"id": f"bench-{run}-{n}", "topic": "order.updated", "order": order}).encode()
    stamp = str(int(time.time()))
    return (f"POST /api/v1/webhooks/orders/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Webhook-Timestamp: {stamp}\r\nX-Webhook-Signature: {webhook_signature(secret, stamp, body)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def http_rate(*, base_url: str, requests: list[bytes], concurrency: int, ok: tuple[int, ...] = (200, 201)) -> dict:
    """Send pre-built raw HTTP/1.1 requests over ``concurrency`` keep-alive connections (asyncio); return requests/s.

    The requests are built before the clock starts, so the client spends its CPU on sockets only; its CPU
    time per request is reported (``client_cpu_ms``) because it shares the machine with the server.
    """
    import asyncio

    host, port = base_url.replace("http://", "").split(":")
    latencies: list[float] = []
    failures: list[int] = []
    queue = iter(requests)

    async def connection_run():
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for raw in queue:
                started = time.perf_counter()
                writer.write(raw)
                head = await reader.readuntil(b"\r\n\r\n")
                status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n"):
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                if length:
                    await reader.readexactly(length)
                latencies.append(time.perf_counter() - started)
                if status not in ok:
                    failures.append(status)
        finally:
            writer.close()

    async def main():
        await asyncio.gather(*(connection_run() for _ in range(concurrency)))

    cpu, started = time.process_time(), time.perf_counter()
    asyncio.run(main())
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    latencies.sort()
    count = len(latencies)
    return {"requests": count, "seconds": round(elapsed, 2), "rps": round(count / elapsed, 1),
            "median_ms": round(statistics.median(latencies) * 1000, 1),
            "p95_ms": round(latencies[int(count * 0.95) - 1] * 1000, 1), "failures": len(failures),
            "client_cpu_ms": round(cpu * 1000 / count, 2)}


def server_cpu_seconds(pid: int) -> float | None:
    """Return the CPU seconds used so far by a process and its children (the uvicorn workers); None without psutil."""
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil is a dev requirement
        return None
    process = psutil.Process(pid)
    return sum(sum(p.cpu_times()[:2]) for p in [process, *process.children(recursive=True)])


def webhook_rate(*, base_url: str, secret: str, requests: int, concurrency: int, distinct: int = 500,
                 prefix: str = "WH") -> dict:
    """POST signed order events (each a new event id, alternating status) with bounded concurrency; return requests/s."""
    import uuid

    run = uuid.uuid4().hex[:8]
    built = [_webhook_request(n, secret=secret, run=run, distinct=distinct, prefix=prefix) for n in range(requests)]
    return http_rate(base_url=base_url, requests=built, concurrency=concurrency, ok=(200,))


def upsert_rate(*, base_url: str, token: str, requests: int, concurrency: int, distinct: int = 500,
                prefix: str = "UPS") -> dict:
    """PUT orders by number against a running server on 127.0.0.1 with bounded concurrency; return requests/s."""
    built = [_upsert_request(n, token=token, distinct=distinct, prefix=prefix) for n in range(requests)]
    return http_rate(base_url=base_url, requests=built, concurrency=concurrency)
