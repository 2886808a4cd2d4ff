from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Orders, returns and exchanges."""

    name = "orders"
    verbose_name = _("Orders")
