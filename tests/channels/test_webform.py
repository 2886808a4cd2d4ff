import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from channels.models import TicketEmail
from channels.services import RATE_PER_IP, RATE_PER_PHONE
from sla.models import TicketSLATimer
from tests.channels.raw_mail import PNG
from tests.factories import CustomerFactory, OrderFactory
from tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db


def _data(**extra):
    data = {"kind": "complaint", "name": "赵敏", "phone": "138-0013-8000", "email": "zhao@example.com",
            "order_number": "", "category": "", "description": "收到的杯子碎了。"}
    data.update(extra)
    return data


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import cache

    cache.clear()


def test_form_page_is_public_and_has_csrf(client):
    response = client.get("/support/new/")
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content and b'name="photos"' in response.content


def test_csrf_is_enforced():
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post("/support/new/", _data())
    assert response.status_code == 403 and not Ticket.objects.exists()


def test_submission_opens_a_routed_web_ticket_shows_its_number_and_confirms_by_email(client, sla_defaults):
    photo = SimpleUploadedFile("broken.png", PNG, content_type="image/png")
    response = client.post("/support/new/", {**_data(), "photos": [photo]}, follow=True)
    ticket = Ticket.objects.get()
    assert ticket.channel == Ticket.Channel.WEB and ticket.kind == Ticket.Kind.COMPLAINT
    assert ticket.team.code == "aftersales"
    assert ticket.customer.phone == "13800138000"
    assert ticket.number in response.content.decode()
    assert Attachment.objects.filter(ticket=ticket, content_type="image/png").count() == 1
    confirmation = TicketEmail.objects.get(purpose=TicketEmail.Purpose.CONFIRMATION)
    assert confirmation.to_address == "zhao@example.com" and confirmation.ticket == ticket
    assert TicketSLATimer.objects.filter(ticket=ticket, target="first_response", due_at__isnull=False).exists()


def test_question_without_email_gets_no_mail_and_finds_the_existing_customer(client):
    customer = CustomerFactory(phone="13900139000")
    from customers.models import CustomerContact

    CustomerContact.objects.get_or_create(customer=customer, kind="phone", normalized="13900139000",
                                          defaults={"value": "13900139000", "is_primary": True})
    client.post("/support/new/", _data(kind="consultation", phone="+86 139 0013 9000", email=""))
    ticket = Ticket.objects.get()
    assert ticket.customer == customer and ticket.team.code == "presales"
    assert not TicketEmail.objects.exists()


def test_order_is_linked_only_when_it_belongs_to_the_customer(client):
    mine = OrderFactory()
    from customers.models import CustomerContact

    CustomerContact.objects.get_or_create(customer=mine.customer, kind="phone", normalized="13700137000",
                                          defaults={"value": "13700137000", "is_primary": True})
    client.post("/support/new/", _data(phone="13700137000", order_number=mine.number))
    assert Ticket.objects.get().order == mine
    other = OrderFactory()
    client.post("/support/new/", _data(phone="13600136000", order_number=other.number))
    ticket = Ticket.objects.exclude(order=mine).get()
    assert ticket.order is None and other.number in ticket.description


@pytest.mark.parametrize("bad", [
    {"phone": "12345"}, {"email": "not-an-email"}, {"description": "   "}, {"name": ""}, {"kind": "refund"},
    {"category": "999999999999999999999"}, {"name": "名" * 65},
])
def test_bad_input_is_400_with_the_field_error(client, bad):
    response = client.post("/support/new/", _data(**bad))
    assert response.status_code == 400 and not Ticket.objects.exists()
    assert b'class="error"' in response.content


def test_non_image_photo_is_refused(client):
    fake = SimpleUploadedFile("photo.png", b"MZ\x90\x00 not a png", content_type="image/png")
    response = client.post("/support/new/", {**_data(), "photos": [fake]})
    assert response.status_code == 400 and not Ticket.objects.exists()


def test_rate_limited_per_phone(client):
    for _ in range(RATE_PER_PHONE):
        assert client.post("/support/new/", _data()).status_code == 302
    response = client.post("/support/new/", _data())
    assert response.status_code == 429 and Ticket.objects.count() == RATE_PER_PHONE
    assert client.post("/support/new/", _data(phone="13500135000")).status_code == 302


def test_rate_limited_per_ip(client):
    for n in range(RATE_PER_IP):
        assert client.post("/support/new/", _data(phone=f"1350013{n:04d}")).status_code == 302
    response = client.post("/support/new/", _data(phone="13300133000"), REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 429
    assert client.post("/support/new/", _data(phone="13300133000"), REMOTE_ADDR="10.0.0.9").status_code == 302


def test_done_page_with_a_forged_token_goes_back_to_the_form(client):
    assert client.get("/support/done/forged/").status_code == 302


def test_english_form(client):
    client.cookies["django_language"] = "en"
    assert b"Contact customer service" in client.get("/support/new/", HTTP_ACCEPT_LANGUAGE="en").content
