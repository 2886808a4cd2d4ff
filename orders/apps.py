from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Orders, returns and exchanges."""

    name = "orders"
    # Recomputes this app's open deadlines when a year's official holiday schedule is entered.
    calendar_year_recompute = "orders.services.return_deadlines_recompute_for_calendar_year"
    verbose_name = _("Orders")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from customers import records
        from helpdesk.search import SearchProvider, list_url, search_provider_register
        from orders import selectors
        from orders.privacy import return_request_customer_content_erase
        from tickets.links import order_check_register
        from tickets.signals import remedy_agreed

        # The customer archive searches, counts, shows, exports and erases orders through what is registered here.
        models = {"orders.order"}
        records.number_lookup_register(selectors.customer_ids_by_order_number, models=models)
        records.stat_columns_register(selectors.CUSTOMER_STAT_COLUMNS, models=models)
        records.timeline_source_register(selectors.customer_timeline_sources, models=models | {"orders.returnrequest"})
        records.export_section_register("orders", selectors.customer_orders_export, models=models)
        records.eraser_register(return_request_customer_content_erase)
        # A refund or exchange the customer agreed to on a ticket goes on to the returns flow.
        remedy_agreed.connect(_remedy_hand_over, dispatch_uid="orders.remedy_hand_over")
        # A ticket may link only an order its creator may open.
        order_check_register(selectors.order_link_check)
        search_provider_register(SearchProvider(
            "orders", _("Orders"), selectors.order_search_hits, lambda q: list_url("orders:order_list", q),
            ("orders.view_order",), order=30))


def _remedy_hand_over(sender, *, remedy, actor, **kwargs):
    """Link or start the return request of a remedy agreed on a ticket."""
    from orders.services import return_request_for_remedy

    return_request_for_remedy(remedy=remedy, actor=actor)
