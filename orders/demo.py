"""Sample orders for the demo."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import Order, OrderItem

PRODUCTS = [
    ("SKU-TEA-001", "西湖龙井 明前特级 250g", "罐装", Decimal("368.00")),
    ("SKU-PHN-014", "无线蓝牙耳机 Pro", "白色", Decimal("599.00")),
    ("SKU-CLO-233", "羊毛混纺大衣", "驼色 / L", Decimal("1299.00")),
    ("SKU-KIT-087", "不粘炒锅 32cm", "燃气灶适用", Decimal("239.00")),
    ("SKU-SHO-450", "轻便跑步鞋", "黑色 / 42", Decimal("459.00")),
    ("SKU-BAB-120", "婴儿纸尿裤 L 码 4 包", "L", Decimal("256.00")),
    ("SKU-APP-301", "智能空气净化器", "标准版", Decimal("1899.00")),
    ("SKU-BOK-009", "儿童绘本套装（10 册）", "平装", Decimal("128.00")),
]

# (customer index, product indexes, status, days ago)
ORDERS = [
    (0, [0], Order.Status.DELIVERED, 3), (0, [2], Order.Status.COMPLETED, 40), (1, [1], Order.Status.SHIPPED, 2),
    (2, [6, 3], Order.Status.DELIVERED, 5), (3, [4], Order.Status.DELIVERED, 12), (3, [5], Order.Status.COMPLETED, 25),
    (4, [7], Order.Status.PAID, 1), (5, [1, 4], Order.Status.DELIVERED, 6), (6, [3], Order.Status.CANCELLED, 8),
    (7, [2], Order.Status.DELIVERED, 9), (8, [0, 7], Order.Status.SHIPPED, 2), (9, [6], Order.Status.DELIVERED, 33),
    (10, [5], Order.Status.DELIVERED, 4), (11, [4], Order.Status.PAID, 0),
]


def demo_orders_load(context: dict) -> list[Order]:
    """Create the sample orders with their items, found again by number on a second run."""
    customers = context["customers"]
    now = timezone.now()
    orders = []
    for index, (customer_index, product_indexes, status, days_ago) in enumerate(ORDERS, start=1):
        placed_at = now - timedelta(days=days_ago, hours=index)
        number = f"DD{3920571000 + index * 137}"
        order = Order.objects.filter(number=number).first()
        if order is None:
            shipped = status in {Order.Status.SHIPPED, Order.Status.DELIVERED, Order.Status.COMPLETED}
            delivered = status in {Order.Status.DELIVERED, Order.Status.COMPLETED}
            total = sum(PRODUCTS[i][3] for i in product_indexes)
            order = Order.objects.create(
                number=number, customer=customers[customer_index], shop=customers[customer_index].source,
                status=status, total_amount=total, placed_at=placed_at,
                paid_at=None if status == Order.Status.PENDING_PAYMENT else placed_at + timedelta(minutes=5),
                shipped_at=placed_at + timedelta(days=1) if shipped else None,
                delivered_at=placed_at + timedelta(days=2) if delivered and days_ago >= 2 else None,
                tracking_number=f"SF{1400000000 + index * 7919}" if shipped else "",
            )
            OrderItem.objects.bulk_create([
                OrderItem(order=order, sku=PRODUCTS[i][0], name=PRODUCTS[i][1], spec=PRODUCTS[i][2], quantity=1,
                          unit_price=PRODUCTS[i][3])
                for i in product_indexes
            ])
        orders.append(order)
    return orders
