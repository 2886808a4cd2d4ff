from tests.factories.customers import CustomerFactory
from tests.factories.helpdesk import TeamFactory, UserFactory
from tests.factories.orders import OrderFactory, OrderItemFactory
from tests.factories.tickets import CannedReplyFactory, ForbiddenPhraseFactory, TicketFactory, TicketMessageFactory

__all__ = [
    "CannedReplyFactory", "CustomerFactory", "ForbiddenPhraseFactory", "OrderFactory", "OrderItemFactory", "TeamFactory", "TicketFactory",
    "TicketMessageFactory", "UserFactory",
]
