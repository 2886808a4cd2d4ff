from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    """Tickets and complaints: workflow, messages, attachments, internal tasks, remedies, canned replies."""

    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from django.db.models.signals import post_delete, post_save

        from customers import records
        from helpdesk.search import SearchProvider, list_url, search_provider_register
        from tickets import selectors
        from tickets.pick_lists import pick_lists_connect
        from tickets.privacy import ticket_customer_content_erase

        pick_lists_connect()
        post_save.connect(selectors.service_phrases_forget, sender="tickets.ForbiddenPhrase", dispatch_uid="service-phrases-save")
        post_delete.connect(selectors.service_phrases_forget, sender="tickets.ForbiddenPhrase",
                            dispatch_uid="service-phrases-delete")
        post_save.connect(selectors.remedy_limits_forget, sender="tickets.RemedyLimit", dispatch_uid="remedy-limits-save")
        post_delete.connect(selectors.remedy_limits_forget, sender="tickets.RemedyLimit", dispatch_uid="remedy-limits-delete")
        # The customer archive searches, counts, shows, exports and erases tickets through what is registered here.
        models = {"tickets.ticket"}
        records.number_lookup_register(selectors.customer_ids_by_ticket_number, models=models)
        records.stat_columns_register(selectors.CUSTOMER_STAT_COLUMNS, models=models)
        records.timeline_source_register(selectors.customer_timeline_sources, models=models)
        records.export_section_register("tickets", selectors.customer_tickets_export, models=models)
        records.eraser_register(ticket_customer_content_erase)
        search_provider_register(SearchProvider(
            "tickets", _("Tickets"), selectors.ticket_search_hits, lambda q: list_url("tickets:ticket_list", q),
            ("tickets.view_ticket",), order=10))
