"""Server-rendered order and return pages."""

from django.utils.translation import gettext_lazy as _

from helpdesk.views import SectionView


class OrderListView(SectionView):
    """Orders of the shops served."""

    permission_required = "orders.view_order"
    section = "orders"
    title = _("Orders")
    summary = _("Orders mirrored from the shops, beside every conversation.")
    features = (
        _("Search by order number, customer or tracking number"),
        _("Items, payment, shipment and delivery at a glance"),
    )


class ReturnListView(SectionView):
    """Returns and exchanges."""

    permission_required = "orders.view_order"
    section = "returns"
    title = _("Returns")
    summary = _("Returns and exchanges (退换货) with their step deadlines.")
    features = (
        _("Application, review, pickup, inspection, refund or exchange, follow-up"),
        _("Return policy applied: 7-day no-reason returns, shipping responsibility, price differences"),
    )
