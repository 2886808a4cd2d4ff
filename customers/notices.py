"""The one way any app tells a customer something (return steps, refunds, extensions): ``notice_send``.

The live chat app registers here too, so that a notice can reach a customer in an open chat.

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
# (find, post) of the live chat app: find(customer_id) -> id of the customer's open chat or None;
# post(session_id, body) -> id of the message written into it.
LIVE_CHATS: list[tuple[Callable, Callable]] = []


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


def live_chat_register(*, find: Callable, post: Callable) -> None:
    """Let notices reach a customer in an open live chat: ``find(customer_id)`` and ``post(session_id, body)``."""
    if (find, post) not in LIVE_CHATS:
        LIVE_CHATS.append((find, post))


def live_chat_find(customer_id: int) -> int | None:
    """Return the id of the customer's open live chat (waiting or in conversation), or None."""
    for find, _post in LIVE_CHATS:
        session_id = find(customer_id)
        if session_id:
            return session_id
    return None


def live_chat_post(session_id: int, body: str) -> str | None:
    """Write a notice into a live chat as a system message; return the message id, or None without a chat app."""
    for _find, post in LIVE_CHATS:
        return post(session_id, body)
    return None
