"""Sample orders for the demo."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from orders.models import Order, OrderItem, ReturnRequest, Sku

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
    demo_skus_load()
    demo_returns_load(context, orders)
    return orders


# Exchange targets with stock (an admin manages these in Django admin).
SKUS = [
    ("SKU-SHO-451", "轻便跑步鞋", "黑色 / 43", Decimal("459.00"), 12),
    ("SKU-SHO-452", "轻便跑步鞋", "白色 / 42", Decimal("479.00"), 4),
    ("SKU-CLO-234", "羊毛混纺大衣", "驼色 / XL", Decimal("1299.00"), 2),
    ("SKU-PHN-015", "无线蓝牙耳机 Pro", "黑色", Decimal("599.00"), 0),
]


def demo_skus_load() -> None:
    """Create the SKUs with stock, found again by code."""
    for code, name, spec, price, stock in SKUS + [(c, n, sp, p, 20) for c, n, sp, p in PRODUCTS]:
        Sku.objects.get_or_create(code=code, defaults={"name": name, "spec": spec, "unit_price": price, "stock": stock})


def demo_returns_load(context: dict, orders: list[Order]) -> None:
    """Walk a few returns and exchanges to different steps of the flow, once per order."""
    from orders import services
    from orders.models import Carrier

    agent = context["users"]["agent2"]
    supervisor = context["users"]["supervisor"]
    sf = Carrier.objects.filter(code="sf").first()
    K, R = ReturnRequest.Kind, ReturnRequest.Reason

    def start(order, kind, reason, description, sku=None, **extra):
        line = order.items.filter(sku=sku).first() if sku else order.items.first()
        ret = services.return_request_create(order=order, kind=kind, reason=reason, items=[(line.pk, 1)], actor=agent,
                                             description=description, **extra)
        services.return_request_confirm(return_request_id=ret.pk)
        return ret

    plans = [
        (0, lambda o: start(o, K.RETURN, R.NO_REASON, "口味不太习惯，想七天无理由退货。")),
        (3, lambda o: services.return_request_inspect(return_request=services.return_request_receive(
            return_request=services.return_request_arrange_pickup(
                return_request=services.return_request_approve(
                    return_request=start(o, K.RETURN, R.QUALITY, "净化器开机有异响，已拍视频。"), actor=agent),
                actor=agent, method="pickup", carrier=sf, tracking="SF1400099887"), actor=agent),
            actor=agent, passed=True, notes="确认电机异响，属质量问题。")),
        (7, lambda o: services.return_request_approve(return_request=start(
            o, K.EXCHANGE, R.NO_REASON, "跑步鞋偏小，想换大一码（43）。", sku="SKU-SHO-450", exchange_sku=Sku.objects.get(code="SKU-SHO-451"),
            exchange_quantity=1), actor=supervisor)),
        (4, lambda o: services.return_request_reject(return_request=start(o, K.RETURN, R.OTHER, "不想要了。"), actor=agent,
                                                     reason="已超过七天且商品已拆封使用，请补充商品照片后重新提交。")),
        (12, lambda o: services.return_request_close(return_request=services.return_request_refund(
            return_request=services.return_request_approve(
                return_request=start(o, K.REFUND_ONLY, R.DAMAGED, "外包装破损，纸尿裤受潮。"), actor=agent),
            actor=agent), actor=agent)),
        (11, lambda o: start(o, K.RETURN, R.OTHER, "买了一个多月，用不上了，想退。")),
    ]
    for index, plan in plans:
        order = orders[index]
        if order.delivered_at and not order.returns.exists():
            plan(order)
