import factory

from tests.factories.customers import CustomerFactory
from tests.factories.helpdesk import TeamFactory
from tickets.models import Ticket, TicketMessage


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    number = factory.Sequence(lambda n: f"T99{n:08d}")
    subject = factory.Sequence(lambda n: f"测试工单 {n}")
    customer = factory.SubFactory(CustomerFactory)
    team = factory.SubFactory(TeamFactory)


class TicketMessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TicketMessage

    ticket = factory.SubFactory(TicketFactory)
    sender = TicketMessage.Sender.CUSTOMER
    body = "你好，请问我的订单什么时候发货？"
