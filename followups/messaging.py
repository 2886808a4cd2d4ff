"""Pluggable SMS and e-mail backends for messages to customers, chosen like Django's e-mail backends.

``settings.MESSAGE_BACKEND`` is a dotted path (env ``MESSAGE_BACKEND``); the shipped ones:

- ``followups.messaging.ConsoleBackend`` (default): prints each message to stdout.
- ``followups.messaging.FileBackend``: appends each message as a JSON line to ``settings.MESSAGE_FILE_PATH``.
- ``followups.messaging.LocmemBackend``: keeps messages in ``followups.messaging.outbox`` (tests).
- ``followups.providers.AlibabaSmsBackend``, ``followups.providers.TencentSmsBackend``: the providers' official
  SDKs, sending each notice as a registered template (``SmsTemplate``) with its parameters.
- ``followups.providers.HttpGatewayBackend``: a JSON POST signed with HMAC-SHA256 to a gateway of your own.

E-mail goes through ``settings.MESSAGE_EMAIL_BACKEND`` when it is set, by default
``followups.messaging.DjangoMailBackend``: Django's mail (``EMAIL_URL`` / ``EMAIL_BACKEND``, e.g. an anymail ESP).

A real gateway subclasses ``BaseMessageBackend`` and implements ``send(message) -> str``: deliver one
``OutgoingMessage`` and return the provider's message id, or raise ``MessageSendError`` with a reason
(the message is then recorded as failed). ``send`` is called once per message, with the message's row
locked (a second delivery of the same message waits, then sends nothing); it must not retry on its own for
longer than a few seconds. Should the process die after the provider took a message and before the row says
sent, the message is sent again with the same ``reference``: a gateway that can, drops the repeat by it.
"""

from __future__ import annotations

import json
import smtplib
import sys
import threading
import uuid
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_BACKEND = "followups.messaging.ConsoleBackend"
outbox: list["OutgoingMessage"] = []
_file_lock = threading.Lock()


class MessageSendError(Exception):
    """The backend could not deliver the message; the text says why.

    ``permanent`` says that trying again cannot help (no template, a number the provider refuses); otherwise
    the message is tried again later with exponential backoff, a bounded number of times.
    """

    def __init__(self, reason: str, *, permanent: bool = False, code: str = ""):
        super().__init__(reason)
        self.permanent = permanent
        self.code = code


@dataclass(frozen=True)
class OutgoingMessage:
    """One message to send: channel ``sms`` or ``email``, the address, an optional subject, the text.

    ``kind``, ``language`` and ``context`` (the notice's fields) let a provider send a registered template.
    """

    channel: str
    recipient: str
    body: str
    subject: str = ""
    reference: str = ""
    kind: str = ""
    language: str = ""
    context: dict = field(default_factory=dict)


class BaseMessageBackend:
    """The interface of a message backend: ``send`` one message, return the provider's id."""

    def send(self, message: OutgoingMessage) -> str:
        raise NotImplementedError


class ConsoleBackend(BaseMessageBackend):
    """Print messages to stdout (development)."""

    stream = None

    def send(self, message: OutgoingMessage) -> str:
        stream = self.stream or sys.stdout
        stream.write(f"[{message.channel}] to {message.recipient}: {message.subject}\n{message.body}\n{'-' * 40}\n")
        stream.flush()
        return f"console-{uuid.uuid4().hex[:12]}"


class FileBackend(BaseMessageBackend):
    """Append messages as JSON lines to ``settings.MESSAGE_FILE_PATH``."""

    def send(self, message: OutgoingMessage) -> str:
        path = getattr(settings, "MESSAGE_FILE_PATH", "") or "messages.jsonl"
        provider_id = f"file-{uuid.uuid4().hex[:12]}"
        with _file_lock, open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"id": provider_id, **asdict(message)}, ensure_ascii=False) + "\n")
        return provider_id


class LocmemBackend(BaseMessageBackend):
    """Keep messages in ``followups.messaging.outbox`` (tests)."""

    def send(self, message: OutgoingMessage) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"


class DjangoMailBackend(BaseMessageBackend):
    """Send e-mail through Django's mail (``EMAIL_URL``, or an anymail ESP named by ``EMAIL_BACKEND``)."""

    def send(self, message: OutgoingMessage) -> str:
        from django.core.mail import EmailMessage

        email = EmailMessage(subject=message.subject, body=message.body, to=[message.recipient],
                             headers={"X-Helpdesk-Message": message.reference} if message.reference else None)
        try:
            email.send()
        except (smtplib.SMTPRecipientsRefused, ValueError) as exc:
            raise MessageSendError(str(exc) or exc.__class__.__name__, permanent=True) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MessageSendError(str(exc) or exc.__class__.__name__) from exc
        # An ESP (anymail) reports its own message id; Django's SMTP backend has none.
        status = getattr(email, "anymail_status", None)
        return str(getattr(status, "message_id", "") or f"mail-{uuid.uuid4().hex[:12]}")


class LiveChatBackend(BaseMessageBackend):
    """Write the notice into the customer's open live chat (``recipient`` is the chat's id) as a system message."""

    def send(self, message: OutgoingMessage) -> str:
        from django.core.exceptions import ObjectDoesNotExist, ValidationError

        from customers.notices import live_chat_post

        try:
            provider_id = live_chat_post(int(message.recipient), message.body)
        except (ObjectDoesNotExist, ValidationError, ValueError) as exc:
            raise MessageSendError(str(getattr(exc, "messages", [exc])[0]), permanent=True) from exc
        if not provider_id:
            raise MessageSendError("live chat is not installed", permanent=True)
        return provider_id


def backend_path(channel: str = "sms") -> str:
    """Return the dotted path of the backend configured for a channel."""
    if channel == "chat":
        return "followups.messaging.LiveChatBackend"
    if channel == "email":
        configured = getattr(settings, "MESSAGE_EMAIL_BACKEND", None)
        if configured:
            return configured
    return getattr(settings, "MESSAGE_BACKEND", "") or DEFAULT_BACKEND


def get_backend(path: str | None = None) -> BaseMessageBackend:
    """Return an instance of the configured (or the named) message backend."""
    return import_string(path or backend_path())()
