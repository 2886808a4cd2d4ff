from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """Tickets and complaints: workflow, messages, attachments, internal tasks, remedies, canned replies."""

    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from tickets.pick_lists import pick_lists_connect

        pick_lists_connect()
