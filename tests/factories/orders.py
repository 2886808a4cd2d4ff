from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Order, OrderItem
from tests.factories.customers import CustomerFactory


class OrderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Order

    number = factory.Sequence(lambda n: f"DD{9000000000 + n}")
    customer = factory.SubFactory(CustomerFactory)
    status = Order.Status.DELIVERED
    total_amount = Decimal("199.00")
    placed_at = factory.LazyFunction(timezone.now)


class OrderItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrderItem

    order = factory.SubFactory(OrderFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = "测试商品"
    unit_price = Decimal("199.00")
