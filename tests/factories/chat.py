import factory

from chat.models import ChatWidget
from tests.factories.helpdesk import TeamFactory


class ChatWidgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChatWidget

    name = factory.Sequence(lambda n: f"测试店铺{n}")
    key = factory.Sequence(lambda n: f"shop-{n}")
    secret = "test-shop-secret"
    team = factory.SubFactory(TeamFactory)
