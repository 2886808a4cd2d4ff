"""Benchmark cases of the non-chat channels: inbound e-mail to ticket, a threaded reply, a dropped auto-reply.

Each call receives a fresh mail (new Message-ID) through ``channels.inbound.email_receive``: parse, loop
checks, threading, customer find-or-create, routing, ticket + message + SLA timers, the confirmation
queued and its Celery task published.
"""

import itertools
import uuid
from email.message import EmailMessage

from channels.inbound import email_receive
from bench.timing import BenchCase

_counter = itertools.count()
_state: dict = {}


def _raw(*, sender: str, subject: str, headers: dict | None = None) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "service@shop.example.com"
    message["Subject"] = subject
    message["Message-ID"] = f"<bench-{uuid.uuid4().hex}@example.com>"
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content("你好，我上周买的杯子收到时已经碎了，请问怎么处理？订单号在附件截图里。\n" * 5)
    message.add_alternative("<p>你好，我上周买的杯子收到时<b>已经碎了</b>，请问怎么处理？</p>" * 5, subtype="html")
    return bytes(message)


def receive_new_customer() -> None:
    """A first mail from an address the archive does not know: new customer, new routed ticket, confirmation."""
    n = next(_counter)
    result = email_receive(raw=_raw(sender=f"顾客{n} <bench-{uuid.uuid4().hex[:12]}@example.com>", subject="投诉：杯子破损"))
    _state["last"] = result.email


def receive_reply() -> None:
    """A customer's answer threaded onto their ticket by In-Reply-To."""
    if "last" not in _state:
        receive_new_customer()
    first = _state["last"]
    email_receive(raw=_raw(sender=first.from_address, subject=f"Re: {first.subject}",
                           headers={"In-Reply-To": first.message_id, "References": first.message_id}))


def receive_auto_reply() -> None:
    """An out-of-office auto-reply: recorded as dropped, no ticket, no answer."""
    email_receive(raw=_raw(sender="away@example.com", subject="自动回复: 不在办公室",
                           headers={"Auto-Submitted": "auto-replied"}))


BENCH_CASES = [
    BenchCase("inbound e-mail → new ticket (new customer, routed, confirmation)", "", call=receive_new_customer, repeat=50),
    BenchCase("inbound e-mail → threaded reply on its ticket", "", call=receive_reply, repeat=50),
    BenchCase("inbound auto-reply → dropped", "", call=receive_auto_reply, repeat=50),
]


def data_size() -> str:
    from customers.models import Customer
    from tickets.models import Ticket

    return f"{Ticket.objects.count():,} tickets, {Customer.objects.count():,} customers"
