"""Factories the permission matrix needs beyond tests/factories/.

Models are found by class name in the app registry rather than imported from a module, so the
factories keep working when a model moves to another app.
"""

import datetime as dt
from decimal import Decimal

import factory
from django.apps import apps
from django.core.files.base import ContentFile
from django.utils import timezone

from tests.factories import ChatWidgetFactory, CustomerFactory, OrderFactory, OrderItemFactory, TicketFactory, UserFactory

# The smallest valid PNG: one transparent pixel.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def model_named(name: str):
    """Return the installed model class called ``name``, whichever app holds it."""
    found = [model for model in apps.get_models() if model.__name__ == name]
    if len(found) != 1:
        raise LookupError(f"expected one installed model named {name}, found {len(found)}")
    return found[0]


def png_file(name: str = "evidence.png") -> ContentFile:
    return ContentFile(PNG, name=name)


class ShopTeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ShopTeam")

    shop = factory.Sequence(lambda n: f"shop-{n}")


class AttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Attachment")

    ticket = factory.SubFactory(TicketFactory)
    file = factory.LazyFunction(png_file)
    name = "evidence.png"
    content_type = "image/png"
    size = len(PNG)


class InternalTaskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("InternalTask")

    ticket = factory.SubFactory(TicketFactory)
    title = "仓库核实发货记录"
    department = "warehouse"


class RemedyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Remedy")

    ticket = factory.SubFactory(TicketFactory)
    kind = "coupon"
    amount = Decimal("50.00")
    status = "approved"


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Notification")

    recipient = factory.SubFactory(UserFactory)
    kind = "sla_warning"
    text = "工单即将超时"


class ChatSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ChatSession")

    widget = factory.SubFactory(ChatWidgetFactory)
    team = factory.SelfAttribute("widget.team")
    token = factory.Sequence(lambda n: f"visitor-token-{n:08d}")
    visitor_name = "王小明"
    visitor_phone = "13800138000"
    status = "waiting"
    waiting_since = factory.LazyFunction(timezone.now)


class ChatMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ChatMessage")

    session = factory.SubFactory(ChatSessionFactory)
    seq = factory.Sequence(lambda n: n + 1)
    sender = "customer"
    body = "在吗？"


class ReturnRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ReturnRequest")

    number = factory.Sequence(lambda n: f"R99{n:08d}")
    order = factory.SubFactory(OrderFactory)
    customer = factory.SelfAttribute("order.customer")
    kind = "return"
    reason = "no_reason"
    status = "confirmed"
    contact_name = "王小明"
    contact_phone = "13800138000"


class ReturnItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ReturnItem")

    return_request = factory.SubFactory(ReturnRequestFactory)
    order_item = factory.SubFactory(OrderItemFactory, order=factory.SelfAttribute("..return_request.order"))
    quantity = 1


class ReturnPhotoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ReturnPhoto")

    return_request = factory.SubFactory(ReturnRequestFactory)
    file = factory.LazyFunction(png_file)
    content_type = "image/png"
    size = len(PNG)


class CustomerReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("CustomerReview")

    customer = factory.SubFactory(CustomerFactory, review_status="pending")
    note = "新客户建档"


class CustomerImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("CustomerImport")

    file = factory.LazyFunction(lambda: ContentFile("name,phone\n张三,13900139000\n".encode(), name="customers.csv"))
    original_name = "customers.csv"
    created_by = factory.SubFactory(UserFactory)
    status = "done"


class OrderImportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("OrderImport")

    file = factory.LazyFunction(lambda: ContentFile(b"order_number\n", name="orders.csv"))
    status = "done"


class SurveyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Survey")

    customer = factory.SubFactory(CustomerFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


class CustomerMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("CustomerMessage")

    customer = factory.SubFactory(CustomerFactory)
    channel = "sms"
    recipient = factory.SelfAttribute("customer.phone")
    status = "sent"
    sent_at = factory.LazyFunction(timezone.now)


class ReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Report")

    kind = "export"
    date_from = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    date_to = factory.LazyFunction(timezone.localdate)
    status = "done"
    progress = 100
    xlsx = factory.LazyFunction(lambda: ContentFile(b"PK\x03\x04", name="report.xlsx"))
    csv = factory.LazyFunction(lambda: ContentFile("\ufeffmetric,value\n".encode(), name="report.csv"))


class ScorecardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("Scorecard")

    month = factory.LazyFunction(lambda: timezone.localdate().replace(day=1))
    agent = factory.SubFactory(UserFactory)
    scheme = factory.LazyFunction(lambda: model_named("ScorecardScheme").objects.filter(is_active=True).first())


class ReturnDeadlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = model_named("ReturnDeadline")

    return_request = factory.SubFactory(ReturnRequestFactory)
    step = "pickup"
    started_at = factory.LazyFunction(timezone.now)
    due_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=3))
