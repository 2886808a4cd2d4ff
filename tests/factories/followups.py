import factory
from django.utils import timezone

from followups.models import FollowUpVisit
from tests.factories.customers import CustomerFactory


class FollowUpVisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUpVisit

    source_type = FollowUpVisit.SourceType.CUSTOMER
    source_id = factory.Sequence(lambda n: 900000 + n)
    customer = factory.SubFactory(CustomerFactory)
    kind = "call"
    channel = "phone"
    due_at = factory.LazyFunction(timezone.now)
    script = "您好，回访一下您的订单体验。"
