import csv
import io

import pytest

from customers.models import PiiReveal
from tests.factories import CustomerFactory, TicketFactory, TicketMessageFactory, UserFactory
from tests.factories.customers import CustomerAddressFactory

pytestmark = pytest.mark.django_db

CLEAR = "13912345678"


@pytest.fixture
def customer():
    customer = CustomerFactory(name="李强", phone=CLEAR, email="liqiang@example.com", notes=f"客户说换号了：{CLEAR}")
    CustomerAddressFactory(customer=customer, address="北京市朝阳区建国路88号")
    ticket = TicketFactory(customer=customer, subject="请回电")
    TicketMessageFactory(ticket=ticket, body=f"我的电话 {CLEAR}")
    return customer


def test_agent_pages_never_contain_clear_personal_data(client_for, agent, customer):
    client = client_for(agent)
    pages = [
        "/customers/", f"/customers/?q={CLEAR}", "/customers/?q=%2B86%20139-1234-5678", f"/customers/{customer.pk}/",
        f"/customers/{customer.pk}/timeline/",
    ]
    for path in pages:
        # Search results come as the htmx fragment: the full page echoes what the agent typed in the search box.
        response = client.get(path, headers={"HX-Request": "true"} if "?q=" in path else {})
        text = response.content.decode()
        assert response.status_code == 200, path
        assert CLEAR not in text and "liqiang@example.com" not in text and "建国路88号" not in text, path
    assert "139****5678" in client.get(f"/customers/?q={CLEAR}", headers={"HX-Request": "true"}).content.decode()
    assert "139****5678" in client.get("/customers/").content.decode()
    export = client.get("/customers/export.csv")
    body = b"".join(export.streaming_content).decode()
    assert "139****5678" in body and CLEAR not in body


def test_supervisor_sees_clear_data(client_for, supervisor, customer):
    text = client_for(supervisor).get(f"/customers/{customer.pk}/").content.decode()
    assert CLEAR in text and "建国路88号" in text


def test_reveal_button_returns_the_value_and_is_audited(client_for, agent, customer):
    client = client_for(agent)
    response = client.post(f"/customers/{customer.pk}/reveal/", {"field": "address", "reason": "寄送换货"}, headers={"HX-Request": "true"})
    assert response.status_code == 200 and "建国路88号" in response.content.decode()
    assert PiiReveal.objects.get().field == "address"
    missing = client.post(f"/customers/{customer.pk}/reveal/", {"field": "phone", "reason": ""})
    assert missing.status_code == 400 and PiiReveal.objects.count() == 1


def test_ticket_customer_card_is_masked(agent, customer):
    from customers.selectors import customer_card_for_viewer

    card = customer_card_for_viewer(viewer=agent, customer=customer)
    assert CLEAR not in str(card) and card["phone"] == "139****5678"


def test_create_form_shows_field_errors_and_creates(client_for, agent):
    client = client_for(agent)
    response = client.post("/customers/new/", {"name": "新客户", "phones": "123", "level": "normal"})
    assert response.status_code == 200 and "phone" in response.content.decode().lower()
    response = client.post("/customers/new/", {"name": "新客户", "phones": "13700001111\n+44 7911 123456", "emails": "a@b.cn",
                                               "level": "vip", "tags": "高价值, 多次投诉"})
    assert response.status_code == 302


def test_review_submit_and_approve_with_history(client_for, agent, supervisor, customer):
    client_for(agent).post(f"/customers/{customer.pk}/review/", {"reason": "SVIP 建档"})
    review = customer.reviews.get()
    assert review.status == "pending"
    assert client_for(agent).post(f"/customers/{customer.pk}/review/{review.pk}/", {"approve": "on"}).status_code == 403
    client = client_for(supervisor)
    client.post(f"/customers/{customer.pk}/review/{review.pk}/", {"reason": ""})  # a rejection needs a reason
    review.refresh_from_db()
    assert review.status == "pending"
    client.post(f"/customers/{customer.pk}/review/{review.pk}/", {"approve": "on", "reason": "资料齐全"})
    review.refresh_from_db()
    customer.refresh_from_db()
    assert review.status == "approved" and customer.review_status == "approved"
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "资料齐全" in page


def test_supervisor_pages_forbidden_to_agents(client_for, agent):
    client = client_for(agent)
    for path in ["/customers/reviews/", "/customers/duplicates/", "/customers/audit/reveals/"]:
        assert client.get(path).status_code == 403, path


def test_supervisor_pages_render(client_for, supervisor, customer):
    CustomerFactory(phone=CLEAR, email="other@example.com")
    client = client_for(supervisor)
    for path in ["/customers/reviews/", "/customers/duplicates/", "/customers/audit/reveals/", "/customers/import/"]:
        assert client.get(path).status_code == 200, path
    assert "李强" in client.get("/customers/duplicates/").content.decode()


def test_supervisor_edits_contacts_and_agent_may_not(client_for, agent, supervisor, customer):
    assert client_for(agent).get(f"/customers/{customer.pk}/edit/").status_code == 403
    client = client_for(supervisor)
    form = client.get(f"/customers/{customer.pk}/edit/")
    assert CLEAR in form.content.decode()
    response = client.post(f"/customers/{customer.pk}/edit/", {"name": "李强", "phones": "13912345678\n+86 137 0000 1111",
                                                                 "level": "vip", "has_survey_consent": "on"})
    assert response.status_code == 302
    customer.refresh_from_db()
    assert list(customer.contacts.filter(kind="phone").values_list("normalized", flat=True)) == [CLEAR, "13700001111"]
    assert customer.level == "vip" and customer.events.filter(kind="updated").exists()


def test_csv_export_keeps_formulas_as_text(client_for, supervisor):
    name = '=HYPERLINK("http://evil.example","点我")'
    CustomerFactory(name=name, city="@SUM(A1)", tags=["-2+3"], phone="+8613800138000")
    export = client_for(supervisor).get("/customers/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    row = dict(zip(rows[0], rows[1]))
    assert (row["name"], row["city"], row["tags"], row["phones"]) == ("'" + name, "'@SUM(A1)", "'-2+3", "'+8613800138000")
    assert not [cell for cell in rows[1] if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]
