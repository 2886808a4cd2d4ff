from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    """Shared project app: users, teams, roles, number sequences, health."""

    name = "helpdesk"
    verbose_name = _("Helpdesk")
