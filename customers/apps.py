from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customer archives, privacy and follow-up visits."""

    name = "customers"
    verbose_name = _("Customers")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from customers import selectors
        from helpdesk.search import SearchProvider, list_url, search_provider_register

        search_provider_register(SearchProvider(
            "customers", _("Customers"), selectors.customer_search_hits, lambda q: list_url("customers:customer_list", q),
            ("customers.view_customer",), order=20))
