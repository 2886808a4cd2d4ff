"""The one way any app tells a customer something (return steps, refunds, extensions): ``notice_send``.

The service lives in the follow-ups app, which records and delivers messages (``followups.services.notice_send``:
channel, consent, quiet hours, daily cap, retries); it registers here from its ``AppConfig.ready`` so that the
apps below it (orders) reach it without importing it.
"""

import logging
from collections.abc import Callable

from django.db import models
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


class NoticeKind(models.TextChoices):
    """What a message to a customer tells them; return steps and refunds are essential, surveys and greetings not."""

    RETURN_CONFIRMED = "return_confirmed", _("Return application received")
    RETURN_APPROVED = "return_approved", _("Return application approved")
    RETURN_REJECTED = "return_rejected", _("Return application rejected")
    RETURN_PICKUP = "return_pickup", _("Return shipment arranged")
    RETURN_INSPECTED = "return_inspected", _("Returned goods inspected")
    REFUND_DONE = "refund_done", _("Refund issued")
    EXCHANGE_SHIPPED = "exchange_shipped", _("Replacement shipped")
    RETURN_CLOSED = "return_closed", _("After-sales case closed")
    DEADLINE_EXTENDED = "deadline_extended", _("Deadline extended (force majeure)")
    SURVEY = "survey", _("Satisfaction survey")
    GREETING = "greeting", _("Greeting")
    OTHER = "other", _("Other message")


# Filled when the apps are ready.
SENDERS: list[Callable] = []


def notice_sender_register(sender: Callable) -> None:
    """Name the service that sends notices: ``sender(customer=, kind=, context=, ticket=, body=, ...)``."""
    if sender not in SENDERS:
        SENDERS.append(sender)


def notice_send(**kwargs):
    """Send a notice to a customer through the registered service; return its message, or None without one."""
    if not SENDERS:
        logger.warning("no notice sender is registered; %s not sent", kwargs.get("kind"))
        return None
    return SENDERS[0](**kwargs)
