"""Orders bought in the shops the helpdesk serves, and their returns and exchanges (退换货)."""

from orders.models.catalog import Carrier, Sku
from orders.models.imports import OrderImport
from orders.models.orders import Order, OrderItem, OrderStatusChange
from orders.models.returns import ReturnItem, ReturnPhoto, ReturnPolicy, ReturnRequest
from orders.models.shops import ShopTeam, WebhookDelivery
from orders.models.steps import ReturnDeadline, ReturnEvent

__all__ = [
    "Carrier", "Order", "OrderImport", "OrderItem", "OrderStatusChange", "ReturnDeadline", "ReturnEvent", "ReturnItem",
    "ReturnPhoto", "ReturnPolicy", "ReturnRequest", "ShopTeam", "Sku", "WebhookDelivery",
]
