import factory

from tests.factories.helpdesk import TeamFactory
from tickets.chat_models import ChatWidget


class ChatWidgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatWidget

    name = factory.Sequence(lambda n: f"测试店铺{n}")
    key = factory.Sequence(lambda n: f"shop-{n}")
    secret = "test-shop-secret"
    team = factory.SubFactory(TeamFactory)
