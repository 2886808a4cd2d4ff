from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    """Customer archives, privacy and follow-up visits."""

    name = "customers"
    verbose_name = _("Customers")
