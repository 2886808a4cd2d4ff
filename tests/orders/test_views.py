import pytest
from django.core import signing

from orders import services
from orders.models import ReturnRequest
from orders.views import RETURN_SALT
from tests.factories.orders import delivered_order

pytestmark = pytest.mark.django_db


def test_order_list_searches_by_number_customer_phone_and_tracking(client_for, agent):
    order = delivered_order(tracking_number="SF55501")
    other = delivered_order()
    client = client_for(agent)
    for q in (order.number, order.customer.phone, "SF55501", order.customer.name):
        page = client.get("/orders/", {"q": q}).content.decode()
        assert order.number in page and other.number not in page, q


def test_agent_files_a_return_from_the_order_page_and_approves_it(client_for, agent):
    order = delivered_order(lines=((2, "88.00"),))
    item = order.items.first()
    client = client_for(agent)
    assert "88.00" in client.get(f"/orders/{order.pk}/").content.decode()
    response = client.post(f"/orders/{order.pk}/", {"kind": "return", "reason": "no_reason", f"qty_{item.pk}": 1})
    ret = ReturnRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/returns/{ret.pk}/"
    detail = client.get(f"/returns/{ret.pk}/").content.decode()
    assert "data-action=\"approve\"" in detail and "76.00" in detail  # 88 − 12 return shipping
    client.post(f"/returns/{ret.pk}/approve/")
    ret.refresh_from_db()
    assert ret.status == "approved"
    listing = client.get("/returns/").content.decode()
    assert ret.number in listing


def test_start_a_return_link_opens_the_return_form_of_the_order(client_for, agent):
    order = delivered_order()
    client = client_for(agent)
    page = client.get(f"/orders/{order.pk}/").content.decode()
    assert 'href="?return=1#start-return"' in page and '<details id="start-return">' in page
    opened = client.get(f"/orders/{order.pk}/", {"return": "1"}).content.decode()
    assert '<details id="start-return" open>' in opened


def test_a_return_started_from_a_ticket_is_filed_for_that_ticket(client_for, agent, team):
    from tests.factories import TicketFactory

    order = delivered_order()
    ticket = TicketFactory(team=team, customer=order.customer, order=order)
    unrelated = TicketFactory(team=team, customer=order.customer)
    item = order.items.first()
    client = client_for(agent)
    page = client.get(f"/orders/{order.pk}/", {"return": "1", "ticket": ticket.pk}).content.decode()
    assert f'<input type="hidden" name="ticket" value="{ticket.pk}">' in page and ticket.number in page
    for bad in ("abc", unrelated.pk):
        assert 'name="ticket"' not in client.get(f"/orders/{order.pk}/", {"return": "1", "ticket": bad}).content.decode()
    response = client.post(f"/orders/{order.pk}/", {"kind": "return", "reason": "no_reason", f"qty_{item.pk}": 1, "ticket": "x"})
    assert response.status_code == 302 and ReturnRequest.objects.get().ticket is None
    ReturnRequest.objects.all().delete()
    client.post(f"/orders/{order.pk}/", {"kind": "return", "reason": "no_reason", f"qty_{item.pk}": 1, "ticket": ticket.pk})
    assert ReturnRequest.objects.get().ticket == ticket


def test_wrong_step_from_the_page_shows_the_reason(client_for, agent):
    order = delivered_order()
    ret = services.return_request_create(order=order, kind="return", reason="other", items=[(order.items.first().pk, 1)])
    response = client_for(agent).post(f"/returns/{ret.pk}/receive/", follow=True)
    assert "cannot become" in response.content.decode() or "不能" in response.content.decode()


def test_agent_cannot_extend_from_the_page(client_for, agent):
    order = delivered_order()
    ret = services.return_request_create(order=order, kind="return", reason="other", items=[(order.items.first().pk, 1)])
    # The agent sees the return (403: a supervisor's step), not a missing page.
    assert client_for(agent).post(f"/returns/{ret.pk}/extend/", {"step": "confirm", "days": 1, "reason": "x"}).status_code == 403
    assert not ret.deadlines.filter(step="confirm").exclude(extension_reason="").exists()


def test_public_lookup_needs_the_right_phone_and_is_rate_limited(client):
    order = delivered_order()
    wrong = client.post("/service/returns/", {"number": order.number, "phone": "13000000000"})
    assert wrong.status_code == 200 and 'role="alert"' in wrong.content.decode()
    right = client.post("/service/returns/", {"number": order.number, "phone": order.customer.phone})
    assert right.status_code == 302 and "/service/returns/order/" in right["Location"]
    for _ in range(10):
        client.post("/service/returns/", {"number": order.number, "phone": "13000000000"})
    limited = client.post("/service/returns/", {"number": order.number, "phone": order.customer.phone})
    assert limited.status_code == 200 and 'role="alert"' in limited.content.decode()


def test_public_page_applies_and_shows_the_timeline_and_can_cancel(client):
    order = delivered_order()
    item = order.items.first()
    page = client.post("/service/returns/", {"number": order.number, "phone": order.customer.phone})["Location"]
    applied = client.post(page, {"kind": "return", "reason": "no_reason", f"qty_{item.pk}": 1, "description": "不合适"})
    assert applied.status_code == 302
    status = client.get(applied["Location"]).content.decode()
    assert "已提交" in status or "Submitted" in status
    client.post(applied["Location"], {"action": "cancel"})
    assert ReturnRequest.objects.get().status == "cancelled"


def test_tampered_status_link_goes_back_to_the_lookup(client):
    token = signing.dumps({"r": 1}, salt=RETURN_SALT) + "x"
    assert client.get(f"/service/returns/status/{token}/")["Location"] == "/service/returns/"


def test_return_list_shows_labels_and_each_deadline_state_in_shanghai_time(client_for, agent):
    from datetime import datetime, timezone as tz

    at = datetime(2026, 11, 30, 16, 5, tzinfo=tz.utc)  # 12-01 00:05 in Shanghai
    met, breached = (services.return_request_create(order=order, kind="return", reason="quality",
                                                    items=[(order.items.first().pk, 1)])
                     for order in (delivered_order(), delivered_order()))
    met.deadlines.filter(step="confirm").update(met_at=at)
    breached.deadlines.filter(step="confirm").update(due_at=at, breached_at=at)
    page = client_for(agent).get("/returns/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert met.number in page and breached.number in page and "Quality problem" in page
    assert '<span class="due met">✓ 12-01 00:05</span>' in page
    assert '<span class="due breached">Overdue 12-01 00:05</span>' in page
    assert '<span class="muted">—</span>' in page  # steps not started yet


def test_status_filter_needs_no_distinct():
    from orders.filters import OrderFilterSet, ReturnRequestFilterSet
    from orders.models import Order

    returns = ReturnRequestFilterSet({"status": ["confirmed", "approved"]}, queryset=ReturnRequest.objects.all()).qs
    orders = OrderFilterSet({"status": ["paid"]}, queryset=Order.objects.all()).qs
    assert "DISTINCT" not in str(returns.query) and "DISTINCT" not in str(orders.query)


def test_order_page_links_the_customer_for_who_may_open_the_archive(client_for, agent):
    order = delivered_order()
    page = client_for(agent).get(f"/orders/{order.pk}/").content.decode()
    assert f'href="/customers/{order.customer_id}/" data-testid="customer-link"' in page
