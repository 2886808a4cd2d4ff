"""Volumes of orders and returns: an import file of generated orders, returns with deadlines and events."""

import csv
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from bench.generators import given_timestamps
from orders.importing import COLUMNS
from orders.models import Order, OrderItem, ReturnDeadline, ReturnEvent, ReturnItem, ReturnRequest

STATUSES = ["delivered"] * 6 + ["completed"] * 2 + ["shipped", "paid"]
PRODUCTS = [("SKU-TEA-001", "西湖龙井 明前特级 250g", "罐装", "368.00"), ("SKU-PHN-014", "无线蓝牙耳机 Pro", "白色", "599.00"),
            ("SKU-CLO-233", "羊毛混纺大衣", "驼色 / L", "1299.00"), ("SKU-KIT-087", "不粘炒锅 32cm", "", "239.00"),
            ("SKU-SHO-450", "轻便跑步鞋", "黑色 / 42", "459.00"), ("SKU-BAB-120", "婴儿纸尿裤 L 码 4 包", "L", "256.00")]


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
            shipped = (placed + timedelta(days=1)).isoformat() if status != "paid" else ""
            head = [f"BO{n:010d}", f"139{n % phones:08d}", "客户", status, placed.isoformat(), delivered, "天猫旗舰店",
                    "alipay", "0"]
            for line in range(2 if n % 2 else 3):  # 2.5 items per order on average
                sku, name, spec, price = PRODUCTS[(n + line) % len(PRODUCTS)]
                writer.writerow(head + [f"{sku}-{line}", name, spec, 1 + (n + line) % 3, price, shipped])
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
            with given_timestamps(ReturnRequest):
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
