import factory

from tests.factories.customers import CustomerFactory
from tests.factories.helpdesk import TeamFactory
from tickets.models import CannedReply, ForbiddenPhrase, Ticket, TicketMessage


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


class CannedReplyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CannedReply

    title = factory.Sequence(lambda n: f"快捷回复{n}")
    shortcut = factory.Sequence(lambda n: f"reply{n}")
    body = "您好{customer_name}，您的工单 {ticket_number} 已收到。"


class ForbiddenPhraseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForbiddenPhrase
        django_get_or_create = ("phrase",)

    phrase = factory.Sequence(lambda n: f"禁语{n}")
    suggestion = "请换一种说法"
