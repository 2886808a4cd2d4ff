from datetime import timedelta
from decimal import Decimal

import factory
from django.utils import timezone

from orders.models import Order, OrderItem, Sku
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


class SkuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sku
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"SKU-X{n:05d}")
    name = "换货商品"
    unit_price = Decimal("199.00")
    stock = 5


def delivered_order(*, days_ago: int = 2, lines: tuple = ((2, "199.00"),), **kwargs) -> Order:
    """Return a delivered order with items of (quantity, unit price) delivered days_ago."""
    delivered = timezone.now() - timedelta(days=days_ago)
    order = OrderFactory(status=Order.Status.DELIVERED, placed_at=delivered - timedelta(days=2), delivered_at=delivered,
                         payment_method="alipay", **kwargs)
    for quantity, price in lines:
        OrderItemFactory(order=order, quantity=quantity, unit_price=Decimal(price))
    return order


def business_calendars_seed() -> None:
    """Seed the business calendars again after a transactional test flushed the data migration's rows."""
    import importlib

    from django.apps import apps

    importlib.import_module("helpdesk.migrations.0004_seed_business_calendars").seed(apps, None)
