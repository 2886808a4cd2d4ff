"""The public web form through ``helpdesk.asgi.application`` under a real uvicorn, as customers reach it."""

import re

import pytest
import requests

from tests.channels.raw_mail import PNG
from tests.chat_server import server  # noqa: F401 - fixture
from tickets.models import Attachment, Ticket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.timeout_sensitive]


def test_a_customer_files_a_complaint_with_a_photo_and_sees_the_number(server, sla_defaults, team):
    from django.core.cache import cache

    cache.clear()  # the form's rate limits count per IP in the cache
    browser = requests.Session()
    page = browser.get(f"{server}/support/new/", timeout=10)
    assert page.status_code == 200
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    data = {"csrfmiddlewaretoken": token, "kind": "complaint", "name": "赵敏", "phone": "138-0013-8000",
            "email": "zhao@example.com", "order_number": "", "category": "", "description": "收到的杯子碎了。"}
    done = browser.post(f"{server}/support/new/", data=data, files={"photos": ("broken.png", PNG, "image/png")},
                        headers={"Referer": f"{server}/support/new/"}, timeout=10)
    assert done.status_code == 200, re.findall(r"(?s)<ul class=\"errorlist[^>]*>.*?</ul>|class=\"[^\"]*error[^\"]*\"[^>]*>[^<]*", done.text)
    ticket = Ticket.objects.get()
    assert ticket.number in done.text and ticket.channel == Ticket.Channel.WEB
    assert Attachment.objects.filter(ticket=ticket, content_type="image/png").count() == 1


def test_the_form_refuses_a_post_without_the_csrf_token(server):
    response = requests.post(f"{server}/support/new/", data={"name": "x"}, timeout=10)
    assert response.status_code == 403 and not Ticket.objects.exists()
