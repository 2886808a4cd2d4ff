"""Personal data in chats' text: reveal a masked message with a reason; erase what a customer wrote (PIPL)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from chat.models import ChatEvent, ChatMessage, ChatSession
from customers.models import PiiReveal
from customers.services import pii_reveal_record
from tickets.privacy import REDACTED_BODY, stored_files_delete, stored_texts_mask


def chat_message_reveal(*, viewer, session: ChatSession, message: ChatMessage, reason: str) -> str:
    """Return the text of one message of the chat in clear, audited like a reveal of an archive field.

    The reveal counts against the viewer's hourly limit; a chat visitor without an archive is recorded
    without a customer.
    """
    if message.session_id != session.pk:
        raise ValidationError({"message": [_("This chat has no such message.")]})
    pii_reveal_record(viewer=viewer, customer_id=session.customer_id, field=PiiReveal.Field.MESSAGE, reason=reason,
                      source=f"chat {session.pk} #{message.seq}")
    return message.body


def chat_customer_content_erase(*, customer_id: int, actor=None) -> dict[str, int]:
    """Erase what the customer wrote and sent in their chats and the personal data in agents' messages.

    The customer's messages lose their text and images, the visitor's name, phone and address are
    cleared; agents' messages and the chats' event notes (transfer notes) stay with phones, e-mails,
    identity numbers and addresses masked for good.
    Must run inside the caller's transaction (the anonymization). Sessions, times and counts stay.
    """
    session_ids = list(ChatSession.objects.select_for_update().filter(customer_id=customer_id).values_list("pk", flat=True))
    if not session_ids:
        return {"chats": 0, "chat_messages": 0}
    ChatSession.objects.filter(pk__in=session_ids).update(visitor_name="", visitor_phone="", ip_address=None)
    theirs = ChatMessage.objects.filter(session_id__in=session_ids, sender=ChatMessage.Sender.CUSTOMER)
    files = [message.image for message in theirs.exclude(image="").only("pk", "image")]
    erased = theirs.exclude(body=REDACTED_BODY, image="").update(body=REDACTED_BODY, image="", image_type="")
    stored_texts_mask(ChatMessage.objects.filter(session_id__in=session_ids).exclude(sender=ChatMessage.Sender.CUSTOMER)
                      .exclude(body=""), "body")
    stored_texts_mask(ChatEvent.objects.filter(session_id__in=session_ids).exclude(note=""), "note")
    transaction.on_commit(lambda: stored_files_delete(files))
    return {"chats": len(session_ids), "chat_messages": erased}
