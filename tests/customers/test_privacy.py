import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from customers.models import PiiReveal
from customers.privacy import mask_address, mask_email, mask_phone
from customers.selectors import customer_card_for_viewer, pii_reveal_volumes
from customers.services import customer_reveal
from tests.factories import CustomerFactory, UserFactory


@pytest.mark.parametrize(
    ("raw", "masked"),
    [("13800138000", "138****8000"), ("+86 138-0013-8000", "138****8000"), ("", ""), ("1234", "****")],
)
def test_mask_phone(raw, masked):
    assert mask_phone(raw) == masked


def test_mask_email_and_address():
    assert mask_email("zhangsan@example.com") == "z***@example.com"
    assert mask_email("") == ""
    assert mask_address("上海市浦东新区世纪大道100号") == "上海市浦东新****"


@pytest.mark.django_db
def test_card_is_masked_for_agents_and_clear_for_supervisors(agent, supervisor):
    customer = CustomerFactory(phone="13800138000", email="wang@example.com")
    agent_card = customer_card_for_viewer(viewer=agent, customer=customer)
    assert agent_card["phone"] == "138****8000" and agent_card["email"] == "w***@example.com"
    assert agent_card["is_masked"]
    supervisor_card = customer_card_for_viewer(viewer=supervisor, customer=customer)
    assert supervisor_card["phone"] == "13800138000" and not supervisor_card["is_masked"]


def _reveal(api_client, customer, **extra):
    return api_client.post(f"/api/v1/customers/{customer.pk}/reveal/", {"field": "phone", "reason": "回电"}, format="json",
                           **extra)


@pytest.mark.django_db
def test_an_agents_reveals_stop_at_the_hourly_limit_and_a_supervisor_takes_over(api_client, agent, supervisor, settings):
    settings.PII_REVEALS_PER_HOUR = 3
    customers = [CustomerFactory() for _ in range(4)]
    start = timezone.now()
    api_client.force_authenticate(agent)
    with time_machine.travel(start, tick=False):
        assert [_reveal(api_client, c).status_code for c in customers[:3]] == [200, 200, 200]
    with time_machine.travel(start + dt.timedelta(minutes=30), tick=False):
        refused = _reveal(api_client, customers[3], HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 429 and "Ask a supervisor to reveal this one" in refused.json()["detail"]
        assert 1 <= int(refused.headers["Retry-After"]) <= 30 * 60 + 1
        assert PiiReveal.objects.filter(viewer=agent).count() == 3
        api_client.force_authenticate(supervisor)
        assert _reveal(api_client, customers[3]).status_code == 200
    api_client.force_authenticate(agent)
    with time_machine.travel(start + dt.timedelta(minutes=60, seconds=1), tick=False):
        assert _reveal(api_client, customers[3]).status_code == 200


@pytest.mark.django_db
def test_the_reveal_button_says_a_supervisor_must_reveal_past_the_limit(client_for, agent, settings):
    settings.PII_REVEALS_PER_HOUR = 1
    first, second = CustomerFactory(), CustomerFactory()
    client = client_for(agent)
    assert client.post(f"/customers/{first.pk}/reveal/", {"field": "phone", "reason": "回电"}).status_code == 200
    refused = client.post(f"/customers/{second.pk}/reveal/", {"field": "phone", "reason": "回电"}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 200 and "主管" in refused.content.decode()
    assert second.phone not in refused.content.decode()
    assert client.post(f"/customers/{second.pk}/reveal/", {"field": "phone", "reason": "回电"}).status_code == 429


@pytest.mark.django_db
def test_the_reveal_audit_flags_people_at_or_near_the_hourly_limit(client_for, agent, supervisor, settings):
    settings.PII_REVEALS_PER_HOUR = 5
    busy = UserFactory(username="t-busy", role="Agent")
    customer = CustomerFactory()
    for viewer, count in ((busy, 5), (agent, 4)):
        for _ in range(count):
            customer_reveal(viewer=viewer, customer=customer, field="phone", reason="回电")
    PiiReveal.objects.create(viewer=supervisor, customer=customer, field="phone", reason="核实")
    volumes = {row["viewer"].username: row for row in pii_reveal_volumes()}
    assert (volumes["t-busy"]["is_at_limit"], volumes["t-agent"]["is_near_limit"]) == (True, True)
    assert not volumes["t-supervisor"]["is_at_limit"] and not volumes["t-supervisor"]["is_near_limit"]
    page = client_for(supervisor).get("/customers/audit/reveals/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "At the hourly limit" in page and "Near the hourly limit" in page and 'data-testid="reveal-volumes"' in page
