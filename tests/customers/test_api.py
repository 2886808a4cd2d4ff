import pytest

from django.contrib.auth.models import Permission

from customers.models import CustomerReview, PiiReveal
from customers.privacy import may_change_directly
from customers.services import customer_merge, customer_update
from helpdesk.models import User
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, TicketMessageFactory, UserFactory

pytestmark = pytest.mark.django_db


def create(api_client, user, **data):
    api_client.force_authenticate(user)
    return api_client.post("/api/v1/customers/", data, format="json")


def test_create_normalizes_phones_and_search_finds_any_format(api_client, agent):
    response = create(api_client, agent, name="王芳", phones=["+86 138-0013-8000", "010-62345678"], emails=["Wang@Example.com"])
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["phones"] == ["138****8000", "010****5678"] and body["emails"] == ["w***@example.com"]
    for query in ["13800138000", "+86 138 0013 8000", "0086-138-0013-8000", "wang@example.com", "WANG@example.com", "王"]:
        found = api_client.get("/api/v1/customers/", {"q": query}).json()["results"]
        assert [c["id"] for c in found] == [body["id"]], query


def test_invalid_phone_and_email_are_field_errors(api_client, agent):
    response = create(api_client, agent, name="李强", phones=["12345"], emails=["not-an-email"])
    assert response.status_code == 400
    assert set(response.json()) == {"phones", "emails"}
    assert create(api_client, agent, name="", phones=[]).status_code == 400
    assert create(api_client, agent, name="X", phones=["+44 7911 123456"]).status_code == 201


def test_list_detail_and_timeline_mask_for_agents_and_not_for_supervisors(api_client, agent, supervisor, team):
    customer = CustomerFactory(phone="13912345678", email="li@example.com")
    ticket = TicketFactory(customer=customer, team=team, subject="电话 13912345678 打不通")
    TicketMessageFactory(ticket=ticket, body="我的手机是13912345678，邮箱 li@example.com")
    OrderFactory(customer=customer)
    api_client.force_authenticate(agent)
    for path in ["/api/v1/customers/", f"/api/v1/customers/{customer.pk}/", f"/api/v1/customers/{customer.pk}/timeline/",
                 "/api/v1/customers/?q=13912345678", "/api/v1/customers/export/"]:
        response = api_client.get(path)
        text = response.content.decode() if not hasattr(response, "streaming_content") else b"".join(response.streaming_content).decode()
        assert response.status_code == 200, path
        assert "13912345678" not in text and "li@example.com" not in text, path
        assert "139****5678" in text, path
    api_client.force_authenticate(supervisor)
    assert "13912345678" in api_client.get(f"/api/v1/customers/{customer.pk}/").content.decode()


def test_detail_has_stats(api_client, agent):
    customer = CustomerFactory()
    OrderFactory(customer=customer)
    TicketFactory(customer=customer, kind="complaint")
    api_client.force_authenticate(agent)
    stats = api_client.get(f"/api/v1/customers/{customer.pk}/").json()["stats"]
    assert stats["orders"] == 1 and stats["spend"] == "199.00" and stats["tickets"] == 1 and stats["complaints"] == 1


def test_reveal_is_audited_and_needs_a_reason(api_client, agent, supervisor):
    customer = CustomerFactory(phone="13912345678")
    api_client.force_authenticate(agent)
    assert api_client.post(f"/api/v1/customers/{customer.pk}/reveal/", {"field": "phone"}, format="json").status_code == 400
    assert api_client.post(f"/api/v1/customers/{customer.pk}/reveal/", {"field": "phone", "reason": " "}, format="json").status_code == 400
    response = api_client.post(f"/api/v1/customers/{customer.pk}/reveal/", {"field": "phone", "reason": "客户要求回电"}, format="json")
    assert response.status_code == 200 and response.json()["value"] == "13912345678"
    reveal = PiiReveal.objects.get()
    assert (reveal.viewer, reveal.customer, reveal.field, reveal.reason) == (agent, customer, "phone", "客户要求回电")
    assert api_client.get("/api/v1/audit/pii-reveals/").status_code == 403
    api_client.force_authenticate(supervisor)
    rows = api_client.get("/api/v1/audit/pii-reveals/").json()["results"]
    assert rows[0]["reason"] == "客户要求回电" and rows[0]["viewer_id"] == agent.pk


def test_reveal_forbidden_when_the_policy_disallows_agents(api_client, agent):
    from customers.services import privacy_policy_get

    policy = privacy_policy_get()
    policy.allow_agent_reveal = False
    policy.save()
    customer = CustomerFactory()
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/customers/{customer.pk}/reveal/", {"field": "phone", "reason": "x"}, format="json")
    assert response.status_code == 403 and not PiiReveal.objects.exists()


def test_patch_and_filters(api_client, agent, supervisor):
    customer = CustomerFactory()
    api_client.force_authenticate(supervisor)
    response = api_client.patch(f"/api/v1/customers/{customer.pk}/", {"level": "vip", "tags": ["高价值"]}, format="json")
    assert response.status_code == 200 and response.json()["level"] == "vip"
    assert api_client.patch(f"/api/v1/customers/{customer.pk}/", {"level": "gold"}, format="json").status_code == 400
    api_client.force_authenticate(agent)
    assert [c["id"] for c in api_client.get("/api/v1/customers/", {"tag": "高价值", "level": "vip"}).json()["results"]] == [customer.pk]
    assert api_client.get("/api/v1/customers/", {"created_after": "not-a-date"}).status_code == 400
    assert api_client.get("/api/v1/customers/999999/").status_code == 404


def test_timeline_pages_newest_first_without_gaps_or_repeats(api_client, agent, team):
    customer = CustomerFactory()
    for _ in range(7):
        TicketMessageFactory(ticket=TicketFactory(customer=customer, team=team))
    OrderFactory(customer=customer)
    api_client.force_authenticate(agent)
    seen, url = [], f"/api/v1/customers/{customer.pk}/timeline/?limit=4"
    while url:
        page = api_client.get(url).json()
        seen += [(item["kind"], item["id"]) for item in page["results"]]
        url = page["next"]
    assert len(seen) == len(set(seen)) == 7 + 7 + 1
    assert api_client.get(f"/api/v1/customers/{customer.pk}/timeline/?limit=x").status_code == 400


@pytest.mark.parametrize(("param", "value"), [("cursor", "garbage"), ("limit", "0"), ("limit", "101")])
def test_a_wrong_timeline_cursor_or_limit_is_a_400_naming_it(api_client, agent, team, param, value):
    customer = TicketFactory(team=team).customer
    api_client.force_authenticate(agent)
    response = api_client.get(f"/api/v1/customers/{customer.pk}/timeline/", {param: value})
    assert response.status_code == 400 and list(response.json()) == [param]


def test_manager_exports_and_anonymizes_through_the_api(api_client, manager, agent):
    customer = CustomerFactory(phone="13912345678")
    OrderFactory(customer=customer)
    api_client.force_authenticate(agent)
    assert api_client.get(f"/api/v1/customers/{customer.pk}/personal-data/").status_code == 403
    assert api_client.post(f"/api/v1/customers/{customer.pk}/anonymize/", {}, format="json").status_code == 403
    api_client.force_authenticate(manager)
    assert "13912345678" in api_client.get(f"/api/v1/customers/{customer.pk}/personal-data/").content.decode()
    body = api_client.post(f"/api/v1/customers/{customer.pk}/anonymize/", {"reason": "客户申请"}, format="json").json()
    assert body["is_anonymized"] and body["phones"] == [] and body["stats"]["orders"] == 1
    assert api_client.post(f"/api/v1/customers/{customer.pk}/anonymize/", {}, format="json").status_code == 400


def test_review_api_submit_with_changes_then_approve_applies_them(api_client, agent, supervisor):
    customer = CustomerFactory(level="normal")
    api_client.force_authenticate(agent)
    bad = api_client.post(f"/api/v1/customers/{customer.pk}/reviews/", {"changes": {"phones": ["123"]}}, format="json")
    assert bad.status_code == 400
    review = api_client.post(f"/api/v1/customers/{customer.pk}/reviews/", {"changes": {"level": "svip"}, "note": "大客户"},
                             format="json").json()
    assert review["status"] == "pending" and review["changed_fields"] == ["level"]
    decide = f"/api/v1/customers/{customer.pk}/reviews/{review['id']}/decide/"
    assert api_client.post(decide, {"approve": True}, format="json").status_code == 403
    api_client.force_authenticate(supervisor)
    assert api_client.post(decide, {"approve": True}, format="json").json()["status"] == "approved"
    customer.refresh_from_db()
    assert customer.level == "svip" and customer.review_status == "approved"
    assert api_client.post(decide, {"approve": False, "reason": "x"}, format="json").status_code == 400


def test_agent_patch_becomes_an_archive_review_and_writes_nothing(api_client, agent, supervisor):
    customer = CustomerFactory(name="王芳", level="normal", has_marketing_consent=True)
    customer_update(actor=supervisor, customer=customer, phones=["13800138000"], emails=["w@example.com"],
                    addresses=["上海市浦东新区世纪大道1号"])
    api_client.force_authenticate(agent)
    response = api_client.patch(f"/api/v1/customers/{customer.pk}/", {
        "name": "王小芳", "phones": ["13900139000"], "emails": [], "addresses": ["北京市"], "level": "svip",
        "has_marketing_consent": False,
    }, format="json")
    assert response.status_code == 202
    review = response.json()
    assert review["status"] == "pending" and review["customer"] == customer.pk
    assert review["changed_fields"] == ["addresses", "emails", "has_marketing_consent", "level", "name", "phones"]
    customer.refresh_from_db()
    assert (customer.name, customer.level, customer.phone, customer.has_marketing_consent) == ("王芳", "normal", "13800138000", True)
    assert list(customer.contacts.values_list("value", flat=True).order_by("kind")) == ["w@example.com", "13800138000"]
    assert list(customer.addresses.values_list("address", flat=True)) == ["上海市浦东新区世纪大道1号"]
    assert customer.review_status == "pending"
    again = api_client.patch(f"/api/v1/customers/{customer.pk}/", {"level": "vip"}, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and "waiting for archive review" in str(again.json())
    api_client.force_authenticate(supervisor)
    decide = f"/api/v1/customers/{customer.pk}/reviews/{review['id']}/decide/"
    assert api_client.post(decide, {"approve": True}, format="json").json()["status"] == "approved"
    customer.refresh_from_db()
    assert (customer.name, customer.level, customer.phone, customer.email) == ("王小芳", "svip", "13900139000", "")


def test_agent_patch_needs_a_change_and_valid_fields(api_client, agent):
    customer = CustomerFactory()
    api_client.force_authenticate(agent)
    assert api_client.patch(f"/api/v1/customers/{customer.pk}/", {}, format="json").status_code == 400
    bad = api_client.patch(f"/api/v1/customers/{customer.pk}/", {"phones": ["123"]}, format="json")
    assert bad.status_code == 400 and "phones" in bad.json()
    assert not CustomerReview.objects.filter(customer=customer).exists()


def test_supervisor_patch_changes_the_archive_directly(api_client, supervisor):
    customer = CustomerFactory(level="normal")
    api_client.force_authenticate(supervisor)
    response = api_client.patch(f"/api/v1/customers/{customer.pk}/", {"level": "vip", "phones": ["13800138000"]}, format="json")
    assert response.status_code == 200 and response.json()["phones"] == ["13800138000"]
    customer.refresh_from_db()
    assert customer.level == "vip" and customer.review_status == "none"


def test_patch_of_a_customer_the_viewer_cannot_open_is_404(api_client, agent, supervisor):
    survivor, duplicate = CustomerFactory(), CustomerFactory()
    customer_merge(actor=supervisor, survivor=survivor, duplicate=duplicate)
    for user in (agent, supervisor):
        api_client.force_authenticate(user)
        assert api_client.patch(f"/api/v1/customers/{duplicate.pk}/", {"level": "vip"}, format="json").status_code == 404
    assert not CustomerReview.objects.exists()


def test_patch_without_the_review_permission_is_403(api_client):
    user = UserFactory(username="t-viewer")
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="customers",
                                                         codename__in=["view_customer", "change_customer"]))
    customer = CustomerFactory(level="normal")
    api_client.force_authenticate(User.objects.get(pk=user.pk))
    assert api_client.patch(f"/api/v1/customers/{customer.pk}/", {"level": "vip"}, format="json").status_code == 403
    customer.refresh_from_db()
    assert customer.level == "normal" and not CustomerReview.objects.exists()


def test_the_edit_page_and_the_api_ask_the_same_gatekeeper(client_for, agent, supervisor):
    customer = CustomerFactory()
    assert client_for(agent).get(f"/customers/{customer.pk}/edit/").status_code == 403
    assert client_for(supervisor).get(f"/customers/{customer.pk}/edit/").status_code == 200
    assert not may_change_directly(agent) and may_change_directly(supervisor)
