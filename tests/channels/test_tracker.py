import datetime as dt

import pytest
import time_machine
from django.core import mail, signing
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from channels import mail as channel_mail
from channels.models import TicketEmail
from channels.services import TRACKER_REPLIES_PER_TICKET
from followups import messaging
from followups.services import message_deliver
from sla.services import ticket_sla_extend
from tests.factories import CustomerFactory
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.services import ticket_create, ticket_message_add
from tickets.tracking import SALT, TrackerUnavailable, ticket_from_tracker_token, tracker_path, tracker_token

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


@pytest.fixture
def locmem_messages(settings):
    settings.MESSAGE_BACKEND = "followups.messaging.LocmemBackend"
    messaging.outbox.clear()
    yield messaging.outbox
    messaging.outbox.clear()


@pytest.fixture
def complaint(sla_defaults, team):
    customer = CustomerFactory(name="赵敏", phone="13800138000", email="zhao@example.com")
    return ticket_create(actor=None, customer=customer, team=team, subject="杯子碎了", description="收到的杯子碎了。",
                         kind=Ticket.Kind.COMPLAINT, channel=Ticket.Channel.WEB)


def _send_all_mail():
    for email in TicketEmail.objects.filter(status=TicketEmail.Status.QUEUED):
        channel_mail.ticket_email_send(email_id=email.pk)


# Signing, expiry, tampering, revocation.

def test_token_opens_its_ticket(complaint):
    assert ticket_from_tracker_token(tracker_token(complaint)) == complaint


def test_tampered_and_forged_tokens_are_invalid(complaint):
    token = tracker_token(complaint)
    for bad in (token[:-2] + "xx", "nonsense", signing.dumps({"t": complaint.pk, "i": 1}, salt="other"),
                signing.dumps({"t": "x"}, salt=SALT), signing.dumps({"t": 10**30, "i": 1}, salt=SALT)):
        with pytest.raises(TrackerUnavailable) as caught:
            ticket_from_tracker_token(bad)
        assert caught.value.status_code == 404 and caught.value.ticket is None


def test_token_expires_after_the_configured_days(complaint, settings):
    settings.TRACKER_LINK_DAYS = 2
    token = tracker_token(complaint)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2, minutes=1)):
        with pytest.raises(TrackerUnavailable) as caught:
            ticket_from_tracker_token(token)
    assert caught.value.status_code == 410 and caught.value.ticket == complaint


def test_resending_voids_older_links_and_records_an_event(complaint, agent, client):
    old = tracker_token(complaint)
    client.force_login(agent)
    response = client.post(f"/tickets/{complaint.pk}/tracker-send/")
    assert response.status_code == 302
    with pytest.raises(TrackerUnavailable):
        ticket_from_tracker_token(old)
    assert complaint.events.filter(kind=TicketEvent.Kind.TRACKER_SENT, actor=agent, to_value="email").exists()
    _send_all_mail()
    fresh = mail.outbox[-1].body
    path = fresh.split("http://127.0.0.1:8000")[1].split()[0]
    assert Client().get(path).status_code == 200


# The page: audience and reply.

def test_page_shows_public_thread_only(complaint, agent, team):
    agent.display_name = "小王"
    agent.save(update_fields=["display_name"])
    ticket_message_add(ticket=complaint, actor=agent, body="请提供照片", sender=TicketMessage.Sender.AGENT)
    ticket_message_add(ticket=complaint, actor=agent, body="内部备注：疑似重复投诉", sender=TicketMessage.Sender.AGENT,
                       is_internal=True)
    other = ticket_create(actor=None, customer=CustomerFactory(name="钱多多"), team=team, subject="别人的单子",
                          description="别人的内容")
    ticket_message_add(ticket=other, actor=None, body="另一位客户的消息", sender=TicketMessage.Sender.CUSTOMER)
    page = Client().get(tracker_path(complaint)).content.decode()
    assert complaint.number in page and "请提供照片" in page and "小王" in page
    assert "内部备注" not in page and "另一位客户" not in page and other.number not in page
    assert 'data-step="intake"' in page and 'aria-current="step"' in page


def test_reply_lands_as_customer_message_with_its_event(complaint, agent):
    complaint.status = Ticket.Status.PENDING_CUSTOMER
    complaint.save(update_fields=["status"])
    client = Client(enforce_csrf_checks=True)
    path = tracker_path(complaint)
    page = client.get(path)
    csrf = page.cookies["csrftoken"].value
    response = client.post(path, {"body": "照片已补充", "csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    message = complaint.messages.get(body="照片已补充")
    assert message.sender == TicketMessage.Sender.CUSTOMER and not message.is_internal
    complaint.refresh_from_db()
    assert complaint.status == Ticket.Status.OPEN
    assert complaint.events.filter(kind=TicketEvent.Kind.STATUS, to_value="open").exists()


def test_reply_without_csrf_is_refused(complaint):
    response = Client(enforce_csrf_checks=True).post(tracker_path(complaint), {"body": "hi"})
    assert response.status_code == 403 and not complaint.messages.exists()


def test_empty_reply_is_a_clear_error(complaint):
    response = Client().post(tracker_path(complaint), {"body": "   "})
    assert response.status_code == 400 and 'class="error" role="alert"' in response.content.decode()
    assert not complaint.messages.exists()


def test_reply_on_a_closed_ticket_is_refused(complaint):
    Ticket.objects.filter(pk=complaint.pk).update(status=Ticket.Status.CLOSED)
    response = Client().post(tracker_path(complaint), {"body": "还在吗"})
    assert response.status_code == 400 and not complaint.messages.exists()
    assert 'data-testid="tracker-reply"' not in response.content.decode()


def test_replies_are_rate_limited(complaint):
    client, path = Client(), tracker_path(complaint)
    for _ in range(TRACKER_REPLIES_PER_TICKET):
        assert client.post(path, {"body": "催一下"}).status_code == 302
    assert client.post(path, {"body": "催一下"}).status_code == 429


# Bad links.

def test_forged_link_is_a_friendly_404(complaint):
    response = Client().get("/support/track/forged-token/")
    assert response.status_code == 404
    page = response.content.decode()
    assert 'data-testid="tracker-unavailable"' in page and complaint.number not in page
    assert 'data-testid="tracker-renew"' not in page


def test_expired_link_is_a_410_offering_a_fresh_link_to_the_contact(complaint, settings):
    settings.TRACKER_LINK_DAYS = 1
    token = tracker_token(complaint)
    with time_machine.travel(timezone.now() + dt.timedelta(days=2)):
        client = Client()
        response = client.get(f"/support/track/{token}/")
        assert response.status_code == 410 and complaint.number not in response.content.decode()
        assert 'data-testid="tracker-renew"' in response.content.decode()
        response = client.post(f"/support/track/{token}/renew/")
        assert response.status_code == 410 and complaint.number not in response.content.decode()
    confirmation = TicketEmail.objects.filter(ticket=complaint, purpose=TicketEmail.Purpose.CONFIRMATION).last()
    assert confirmation.to_address == "zhao@example.com"
    assert complaint.events.filter(kind=TicketEvent.Kind.TRACKER_SENT, actor=None).exists()


# The acknowledgement and the extension notice.

def test_acknowledgement_has_the_link_and_the_promised_times(client, sla_defaults):
    client.post("/support/new/", {"kind": "complaint", "name": "赵敏", "phone": "138-0013-8000",
                                  "email": "zhao@example.com", "order_number": "", "category": "",
                                  "description": "收到的杯子碎了。"})
    ticket = Ticket.objects.get()
    _send_all_mail()
    body = mail.outbox[-1].body
    timers = {t.target: t.due_at for t in ticket.sla_timers.all()}
    local = {k: timezone.localtime(v).strftime("%Y-%m-%d %H:%M") for k, v in timers.items()}
    assert "/support/track/" in body
    assert local["first_response"] in body and local["resolution"] in body
    path = body.split("http://127.0.0.1:8000")[1].split()[0]
    assert Client().get(path).status_code == 200


def test_thank_you_page_links_to_the_tracker(client, sla_defaults):
    response = client.post("/support/new/", {"kind": "complaint", "name": "赵敏", "phone": "138-0013-8000",
                                             "email": "", "order_number": "", "category": "",
                                             "description": "收到的杯子碎了。"}, follow=True)
    assert 'data-testid="tracker-link"' in response.content.decode()


def test_extension_is_told_by_email_on_an_email_ticket(sla_defaults, team, supervisor):
    ticket = ticket_create(actor=None, customer=CustomerFactory(email="li@example.com"), team=team, subject="发票",
                           kind=Ticket.Kind.COMPLAINT, channel=Ticket.Channel.EMAIL)
    ticket_sla_extend(ticket=ticket, actor=supervisor, minutes=120, reason="台风停运")
    due = ticket.sla_timers.get(target="resolution").due_at
    _send_all_mail()
    body = mail.outbox[-1].body
    assert "台风停运" in body and timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in body


def test_extension_is_told_by_sms_on_other_channels(complaint, supervisor, locmem_messages,
                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ticket_sla_extend(ticket=complaint, actor=supervisor, minutes=120, reason="台风停运")
    due = complaint.sla_timers.get(target="resolution").due_at
    notice = complaint.customer.messages_sent.get(kind="deadline_extended")
    message_deliver(message_id=notice.pk)  # the delivery task's work, after the commit
    sent = locmem_messages[-1]
    assert sent.channel == "sms" and sent.recipient == "13800138000"
    assert "台风停运" in sent.body and timezone.localtime(due).strftime("%Y-%m-%d %H:%M") in sent.body
