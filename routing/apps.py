from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    """Ticket routing (工单分配): each team's assignment mode, agents' ticket capacity and categories."""

    name = "routing"
    verbose_name = _("Ticket routing")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from chat.signals import agent_online
        from routing import triggers
        from tickets.signals import ticket_queued

        # Tickets and chat announce; routing acts. They never import routing (docs/routing.md).
        ticket_queued.connect(triggers.ticket_queued_route, dispatch_uid="routing.ticket_queued")
        agent_online.connect(triggers.agent_online_deliver, dispatch_uid="routing.agent_online")
