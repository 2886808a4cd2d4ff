from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupsConfig(AppConfig):
    """Follow-up visits (回访), their rules, satisfaction surveys and the messages sent to customers."""

    name = "followups"
    # Recomputes this app's open deadlines when a year's official holiday schedule is entered.
    calendar_year_recompute = "followups.services.visit_recompute_for_calendar_year"
    verbose_name = _("Follow-ups")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from customers.notices import notice_sender_register
        from customers.records import eraser_register, timeline_source_register
        from followups import checks  # noqa: F401  (registers the system checks)
        from followups.privacy import customer_message_content_erase
        from followups.selectors import TIMELINE_MODELS, customer_timeline_sources
        from followups.services import notice_send

        # Visits, messages and survey responses are on the customer's timeline, rendered here.
        timeline_source_register(customer_timeline_sources, models=TIMELINE_MODELS)
        # Every customer-facing notice of the apps below (return steps, refunds, extensions) is sent here.
        notice_sender_register(notice_send)
        # An anonymized archive takes the addresses and texts of the messages sent to the customer with it.
        eraser_register(customer_message_content_erase)
