"""Order sync under load: the upsert API and the signed order webhook, as a shop's integration sends them."""

import json
import time
import uuid
from datetime import timedelta

from django.utils import timezone

from bench.load.http import http_rate


def order_body() -> dict:
    """Return the body of an order as the shop sends it (shipped orders carry their shipping time)."""
    return {"customer": {"name": "压测", "phone": "13700000000"}, "status": "paid", "total_amount": "368.00",
            "placed_at": "2026-11-20T10:00:00+08:00", "shipped_at": "2026-11-21T10:00:00+08:00",
            "updated_at": "2026-11-20T10:00:00+08:00",
            "items": [{"sku": "SKU-TEA-001", "name": "西湖龙井", "quantity": 1, "unit_price": "368.00"}]}


def upsert_request(n: int, *, token: str, distinct: int, prefix: str = "UPS") -> bytes:
    """Return the raw HTTP/1.1 PUT of request n: one of ``distinct`` orders, its status flipped every round, a newer updated_at."""
    body = json.dumps({**order_body(), "customer": {"name": "压测", "phone": f"1370000{n % distinct:04d}"},
                       "status": ["paid", "shipped"][(n // distinct) % 2],
                       "updated_at": (timezone.now() + timedelta(microseconds=n)).isoformat()}).encode()
    return (f"PUT /api/v1/orders/by-number/{prefix}{n % distinct:06d}/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Authorization: Token {token}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def webhook_request(n: int, *, secret: str, run: str, distinct: int, prefix: str = "WH") -> bytes:
    """Return the raw HTTP/1.1 POST of signed event n: a new event id, the order's status flipped every round."""
    from orders.shop_sync import webhook_signature

    order = {**order_body(), "number": f"{prefix}{n % distinct:06d}",
             "customer": {"name": "压测", "phone": f"1360000{n % distinct:04d}"},
             "status": ["paid", "shipped"][(n // distinct) % 2],
             "updated_at": (timezone.now() + timedelta(microseconds=n)).isoformat()}
    body = json.dumps({"id": f"bench-{run}-{n}", "topic": "order.updated", "order": order}).encode()
    stamp = str(int(time.time()))
    return (f"POST /api/v1/webhooks/orders/ HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"X-Webhook-Timestamp: {stamp}\r\nX-Webhook-Signature: {webhook_signature(secret, stamp, body)}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


def webhook_rate(*, base_url: str, secret: str, requests: int, concurrency: int, distinct: int = 500,
                 prefix: str = "WH") -> dict:
    """POST signed order events (each a new event id, alternating status) with bounded concurrency; return requests/s."""
    run = uuid.uuid4().hex[:8]
    built = [webhook_request(n, secret=secret, run=run, distinct=distinct, prefix=prefix) for n in range(requests)]
    return http_rate(base_url=base_url, requests=built, concurrency=concurrency, ok=(200,))


def upsert_rate(*, base_url: str, token: str, requests: int, concurrency: int, distinct: int = 500,
                prefix: str = "UPS") -> dict:
    """PUT orders by number against a running server on 127.0.0.1 with bounded concurrency; return requests/s."""
    built = [upsert_request(n, token=token, distinct=distinct, prefix=prefix) for n in range(requests)]
    return http_rate(base_url=base_url, requests=built, concurrency=concurrency)
