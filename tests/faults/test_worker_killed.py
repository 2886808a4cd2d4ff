"""A Celery worker killed with -9 in the middle of a sweep: nothing lost, nothing sent twice, in-flight work runs again.

The sweepers send a task per queued e-mail and message; the worker is killed while it is sending
one of them (the mail server holds that delivery). Its task was taken but not acknowledged
(acks_late), so Redis hands it out again once the visibility timeout (4 s here, 5 minutes in
production) has passed; the rest are still in the queue. Then one pool process is killed under a
message send: the worker puts that task back at once (reject_on_worker_lost).
"""

import time
from datetime import timedelta
from email.utils import make_msgid

import pytest
from django.utils import timezone

from channels.mail import email_subject
from channels.models import TicketEmail
from followups.models import CustomerMessage
from tests.factories import CustomerFactory, TicketFactory
from tests.waiting import wait_for

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]
EMAILS = 20
MESSAGES = 20
WAITED = timedelta(minutes=10)  # written during an outage, longer ago than the sweepers' grace period


def queued_email(ticket, to: str) -> TicketEmail:
    """An outbound e-mail saved as queued whose task never reached a worker."""
    email = TicketEmail.objects.create(
        direction=TicketEmail.Direction.OUTBOUND, purpose=TicketEmail.Purpose.CONFIRMATION,
        status=TicketEmail.Status.QUEUED, message_id=make_msgid(domain="faults.example"),
        from_address="helpdesk@localhost", to_address=to, subject=email_subject(ticket, reply=False), ticket=ticket)
    TicketEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - WAITED)
    return email


def queued_message(customer, recipient: str) -> CustomerMessage:
    """A survey SMS saved as queued whose delivery never happened."""
    message = CustomerMessage.objects.create(customer=customer, channel=CustomerMessage.Channel.SMS,
                                             recipient=recipient, body="请为本次服务评分", backend="faults")
    CustomerMessage.objects.filter(pk=message.pk).update(created_at=timezone.now() - WAITED)
    return message


def all_sent(model, rows) -> bool:
    return model.objects.filter(pk__in=[row.pk for row in rows], status="sent").count() == len(rows)


def test_worker_killed_mid_sweep_loses_nothing_and_sends_nothing_twice(stack, team):
    ticket = TicketFactory(team=team, channel="email")
    held_email = queued_email(ticket, "held@example.com")  # the oldest: the first one the sweep sends
    emails = [held_email] + [queued_email(ticket, f"customer{i}@example.com") for i in range(EMAILS - 1)]
    customer = CustomerFactory()
    messages = [queued_message(customer, f"1390000{i:04d}") for i in range(MESSAGES)]
    stack.sink.hold("held@example.com")

    # One pool process: while the held delivery waits, nothing else is half-done when the kill lands.
    worker = stack.worker("worker", concurrency=1)
    stack.send_as_beat("tickets.ticket_email_sweep_queued")
    stack.send_as_beat("customers.message_sweep_queued")
    wait_for(stack.sink.holding.is_set, timeout=60, what="the sweep's first e-mail in flight")
    worker.kill()
    killed_at = time.monotonic()
    held_email.refresh_from_db()
    assert held_email.status == TicketEmail.Status.QUEUED  # its transaction died with the worker

    restarted = stack.worker("worker-restarted", concurrency=1)
    wait_for(lambda: all_sent(TicketEmail, [held_email]), timeout=60, what="the in-flight e-mail sent again")
    in_flight_again_after = time.monotonic() - killed_at
    wait_for(lambda: all_sent(TicketEmail, emails) and all_sent(CustomerMessage, messages), timeout=90,
             what="every e-mail and message sent after the restart")

    # A pool process killed under a message send: its task is put back at once and runs again.
    held_message = queued_message(customer, "13911110000")
    stack.message_file.with_name("hold-13911110000").touch()
    stack.send_as_beat("customers.message_sweep_queued")
    wait_for(stack.message_file.with_name("holding-13911110000").exists, timeout=60, what="the held message in flight")
    for child in restarted.children():
        child.kill()
    wait_for(lambda: all_sent(CustomerMessage, [held_message]), timeout=60, what="the message of the killed process")

    # The sweepers find nothing left to send: a last round, run to its end, sends nothing again.
    stack.send_as_beat("tickets.ticket_email_sweep_queued")
    stack.send_as_beat("customers.message_sweep_queued")
    wait_for(stack.broker_idle, timeout=30, what="the last sweeps run and acknowledged")

    mails = stack.sink.message_ids()
    gateway = stack.gateway_references()
    lost = [e.message_id for e in emails if not mails[e.message_id]]
    lost += [str(m.pk) for m in [*messages, held_message] if not gateway[str(m.pk)]]
    duplicated = sum(n - 1 for n in mails.values() if n > 1) + sum(n - 1 for n in gateway.values() if n > 1)
    print(f"worker killed: {EMAILS} e-mails, {MESSAGES + 1} messages; lost {len(lost)}, duplicated {duplicated}; "
          f"the in-flight e-mail was sent {in_flight_again_after:.1f} s after the kill")
    assert (len(lost), duplicated) == (0, 0), (lost, mails, gateway)
    assert sum(mails.values()) == EMAILS and sum(gateway.values()) == MESSAGES + 1
