"""Anonymization also erases what the customer wrote in tickets, in the same transaction, and records it."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from customers.models import CustomerEvent
from customers.selectors import customer_stats
from customers.services import customer_anonymize
from tickets.models import Attachment, TicketEvent, TicketMessage
from tickets.privacy import REDACTED_BODY
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory

pytestmark = pytest.mark.django_db


def test_anonymize_erases_customer_messages_and_attachments_keeps_agent_replies(manager, settings, tmp_path,
                                                                                django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    customer = CustomerFactory(phone="13912345678")
    other = TicketFactory(customer=CustomerFactory())
    ticket = TicketFactory(customer=customer, kind="complaint", subject="我的电话 13912345678 一直没人回")
    mine = TicketMessageFactory(ticket=ticket, sender="customer", body="我住在世纪大道100号，电话13912345678")
    reply = TicketMessageFactory(ticket=ticket, sender="agent", body="您好，已为您登记")
    untouched = TicketMessageFactory(ticket=other, sender="customer", body="别人的留言")
    photo = Attachment.objects.create(ticket=ticket, message=mine, file=SimpleUploadedFile("a.jpg", b"JPEG"), name="a.jpg",
                                      content_type="image/jpeg", size=4)
    stored = tmp_path / photo.file.name
    assert stored.exists()
    before = customer_stats(customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        customer_anonymize(actor=manager, customer=customer, reason="客户申请")
    mine.refresh_from_db(), reply.refresh_from_db(), untouched.refresh_from_db(), ticket.refresh_from_db()
    assert mine.body == REDACTED_BODY and "世纪大道" not in mine.body
    assert reply.body == "您好，已为您登记" and untouched.body == "别人的留言"
    assert "13912345678" not in ticket.subject and "139****5678" in ticket.subject
    assert not Attachment.objects.filter(pk=photo.pk).exists() and not stored.exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind="note", actor=manager).count() == 1
    assert "1" in CustomerEvent.objects.get(customer=customer, kind="anonymized").note
    assert customer_stats(customer=customer) == before  # tickets and orders still counted
    assert TicketMessage.objects.filter(ticket=ticket).count() == 2


def test_anonymize_rolls_back_ticket_erasure_when_it_fails(manager, monkeypatch):
    customer = CustomerFactory()
    message = TicketMessageFactory(ticket=TicketFactory(customer=customer), sender="customer", body="原文")
    from customers.models import PiiRequest

    def boom(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(PiiRequest.objects, "create", boom)
    with pytest.raises(RuntimeError):
        customer_anonymize(actor=manager, customer=customer)
    message.refresh_from_db()
    assert message.body == "原文"


def test_anonymize_erases_descriptions_and_masks_personal_data_in_what_agents_wrote(manager, agent):
    customer = CustomerFactory()
    ticket = TicketFactory(customer=customer, description="电话13912345678，地址上海市浦东新区张江路123号")
    plain = TicketFactory(customer=customer, description="")
    note = TicketMessageFactory(ticket=ticket, sender="agent", is_internal=True, body="客户身份证11010519491231002X，已核对")
    reply = TicketMessageFactory(ticket=ticket, sender="agent", body="已寄到 wang@example.com")
    event = TicketEvent.objects.create(ticket=ticket, kind="escalated", actor=agent, note="客户留了电话13912345678")
    customer_anonymize(actor=manager, customer=customer, reason="客户申请")
    ticket.refresh_from_db(), plain.refresh_from_db(), note.refresh_from_db(), reply.refresh_from_db(), event.refresh_from_db()
    assert ticket.description == REDACTED_BODY and plain.description == ""
    assert note.body == "客户身份证110***********002X，已核对" and reply.body == "已寄到 w***@example.com"
    assert event.note == "客户留了电话139****5678"
