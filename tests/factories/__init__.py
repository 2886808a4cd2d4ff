from tests.factories.customers import CustomerFactory
from tests.factories.helpdesk import TeamFactory, UserFactory
from tests.factories.orders import OrderFactory, OrderItemFactory
from tests.factories.tickets import TicketFactory, TicketMessageFactory

__all__ = [
    "CustomerFactory", "OrderFactory", "OrderItemFactory", "TeamFactory", "TicketFactory",
    "TicketMessageFactory", "UserFactory",
]
