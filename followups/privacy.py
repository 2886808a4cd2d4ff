"""Personal data in the messages sent to a customer: erased with the archive (PIPL)."""

from followups.models import CustomerMessage, MessageEvent
from tickets.privacy import REDACTED_BODY


def customer_message_content_erase(*, customer_id: int, actor=None) -> dict[str, int]:
    """Erase the addresses, texts and notice fields of the messages sent to the customer; a queued one no longer goes.

    Must run inside the caller's transaction (the anonymization). Kinds, channels, statuses and times stay.
    """
    messages = CustomerMessage.objects.filter(customer_id=customer_id)
    ids = list(messages.select_for_update().values_list("pk", flat=True))
    if not ids:
        return {"customer_messages": 0}
    erased = CustomerMessage.objects.filter(pk__in=ids).update(recipient="", subject="", body=REDACTED_BODY, context={},
                                                               provider_id="")
    CustomerMessage.objects.filter(pk__in=ids, status=CustomerMessage.Status.QUEUED).update(
        status=CustomerMessage.Status.SKIPPED, error=REDACTED_BODY)
    # Provider errors may quote the number ("13800138000 is not a valid number").
    MessageEvent.objects.filter(message_id__in=ids).redact(note="")
    return {"customer_messages": erased}
