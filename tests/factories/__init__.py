from tests.factories.customers import CustomerFactory
from tests.factories.followups import FollowUpVisitFactory
from tests.factories.helpdesk import TeamFactory, UserFactory
from tests.factories.orders import OrderFactory, OrderItemFactory, SkuFactory
from tests.factories.tickets import CannedReplyFactory, ForbiddenPhraseFactory, TicketFactory, TicketMessageFactory

__all__ = [
    "CannedReplyFactory", "CustomerFactory", "ForbiddenPhraseFactory", "OrderFactory", "OrderItemFactory",
    "SkuFactory", "TeamFactory", "TicketFactory", "TicketMessageFactory", "UserFactory",
    "FollowUpVisitFactory",
]
from tests.factories.chat import ChatWidgetFactory  # noqa: E402

__all__ += ["ChatWidgetFactory"]
from tests.factories.knowledge import ArticleFactory  # noqa: E402

__all__ += ["ArticleFactory"]
