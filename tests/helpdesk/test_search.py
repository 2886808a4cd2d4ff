"""The global search: each kind found, only what the viewer may open, personal data matched as the viewer sees it."""

import pytest
from django.urls import reverse

from helpdesk.search import PROVIDERS, search_everything
from orders.models import ShopTeam
from tests.factories.customers import CustomerFactory
from tests.factories.knowledge import ArticleFactory
from tests.factories.orders import OrderFactory
from tests.factories.tickets import TicketFactory, TicketMessageFactory

pytestmark = pytest.mark.django_db


def _hits(groups, kind):
    return [hit.title for group in groups if group["key"] == kind for hit in group["hits"]]


@pytest.fixture
def world(team, other_team):
    ShopTeam.objects.create(shop="own-shop", team=team)
    ShopTeam.objects.create(shop="other-shop", team=other_team)
    own_customer = CustomerFactory(name="林晓雨", phone="13912345678", email="lin@example.com")
    other_customer = CustomerFactory(name="赵海峰", phone="13787654321", email="zhao@example.com")
    return {
        "own_ticket": TicketFactory(number="T2612050001", subject="快递一直没到", customer=own_customer, team=team),
        "other_ticket": TicketFactory(number="T2612050002", subject="发票抬头错误", customer=other_customer, team=other_team),
        "own_order": OrderFactory(number="DD20261205001", customer=own_customer, shop="own-shop"),
        "other_order": OrderFactory(number="DD20261205002", customer=other_customer, shop="other-shop"),
        "own_customer": own_customer,
        "other_customer": other_customer,
    }


def test_every_app_registers_its_kind():
    assert {"tickets", "customers", "orders", "knowledge"} <= set(PROVIDERS)


def test_each_kind_is_found(agent, world):
    assert _hits(search_everything(viewer=agent, q="T2612050001"), "tickets") == ["T2612050001 快递一直没到"]
    assert _hits(search_everything(viewer=agent, q="DD20261205001"), "orders") == ["DD20261205001"]
    assert _hits(search_everything(viewer=agent, q="林晓雨"), "customers") == ["林晓雨"]
    assert _hits(search_everything(viewer=agent, q="lin@example.com"), "customers") == ["林晓雨"]
    assert "T2612050001 快递一直没到" in _hits(search_everything(viewer=agent, q="快递一直"), "tickets")


def test_phone_in_any_format_finds_the_customer_ticket_and_order(agent, world):
    for q in ("+86 139 1234 5678", "139-1234-5678", "13912345678"):
        groups = search_everything(viewer=agent, q=q)
        assert _hits(groups, "customers") == ["林晓雨"], q
        assert _hits(groups, "orders") == ["DD20261205001"], q
    assert _hits(search_everything(viewer=agent, q="13912345678"), "tickets") == ["T2612050001 快递一直没到"]


def test_words_of_a_message_find_its_ticket(agent, world):
    TicketMessageFactory(ticket=world["own_ticket"], body="包裹显示已签收但我没有收到")
    TicketMessageFactory(ticket=world["other_ticket"], body="包裹显示已签收但发票不对")
    groups = search_everything(viewer=agent, q="包裹显示已签收")
    assert _hits(groups, "tickets") == ["T2612050001 快递一直没到"]
    assert "包裹显示已签收" in groups[0]["hits"][0].subtitle


def test_another_teams_ticket_or_order_number_reveals_nothing(agent, world):
    for q in ("T2612050002", "DD20261205002"):
        assert search_everything(viewer=agent, q=q) == [], q


def test_another_teams_records_are_found_by_a_manager(manager, world):
    assert _hits(search_everything(viewer=manager, q="T2612050002"), "tickets") == ["T2612050002 发票抬头错误"]
    assert _hits(search_everything(viewer=manager, q="DD20261205002"), "orders") == ["DD20261205002"]


def test_a_masked_viewer_sees_the_phone_masked_and_is_not_answered_by_hidden_text(agent, supervisor, world):
    customer = world["own_customer"]
    hit = search_everything(viewer=agent, q="13912345678")[1]["hits"][0]
    assert "13912345678" not in hit.subtitle and hit.title == customer.name
    TicketFactory(number="T2612050009", subject="请发到 wangfang@qq.com", customer=customer, team=world["own_ticket"].team)
    TicketMessageFactory(ticket=world["own_ticket"], body="我的电话是 13800002222，请联系")
    # The middle digits are masked for the agent: neither the subject nor the message answers them.
    assert _hits(search_everything(viewer=agent, q="wangfang"), "tickets") == []
    assert _hits(search_everything(viewer=agent, q="0000222"), "tickets") == []
    assert _hits(search_everything(viewer=supervisor, q="wangfang"), "tickets") == ["T2612050009 请发到 wangfang@qq.com"]
    assert _hits(search_everything(viewer=supervisor, q="0000222"), "tickets") == ["T2612050001 快递一直没到"]


def test_groups_are_capped_with_a_link_to_the_filtered_list(agent, team):
    customer = CustomerFactory(name="钱多多")
    for n in range(7):
        TicketFactory(subject=f"退款进度 {n}", customer=customer, team=team)
    group = search_everything(viewer=agent, q="退款进度")[0]
    assert len(group["hits"]) == 5 and group["has_more"]
    assert group["more_url"] == reverse("tickets:ticket_list") + "?q=%E9%80%80%E6%AC%BE%E8%BF%9B%E5%BA%A6"


def test_knowledge_articles_are_found_for_agents(agent):
    ArticleFactory(title="七天无理由退货规则")
    assert _hits(search_everything(viewer=agent, q="无理由退货"), "knowledge") == ["七天无理由退货规则"]


def test_search_page_and_json(client_for, agent, world):
    client = client_for(agent)
    page = client.get(reverse("search"), {"q": "T2612050001"})
    assert page.status_code == 200 and "T2612050001" in page.content.decode()
    data = client.get(reverse("search"), {"q": "林晓雨", "format": "json"}).json()
    kinds = {group["key"]: group for group in data["groups"]}
    assert kinds["customers"]["hits"][0]["url"] == reverse("customers:customer_detail", args=[world["own_customer"].pk])
    assert client.get(reverse("search"), {"q": "x" * 101, "format": "json"}).status_code == 400
    assert client.get(reverse("search"), {"q": "x" * 101}).status_code == 400
    assert client.get(reverse("search"), {"q": "", "format": "json"}).json() == {"q": "", "groups": []}


def test_the_ticket_reply_box_gets_canned_replies_as_json(client_for, agent, world):
    from tests.factories.tickets import CannedReplyFactory

    CannedReplyFactory(shortcut="invoice", title="发票说明", body="{customer_name}您好，工单 {ticket_number} 的发票已开。")
    ticket = world["own_ticket"]
    url = reverse("tickets:canned_search", args=[ticket.pk])
    data = client_for(agent).get(url, {"q": "inv", "format": "json"}).json()
    assert data == {"replies": [{"shortcut": "invoice", "title": "发票说明", "body": "林晓雨您好，工单 T2612050001 的发票已开。"}]}
    assert client_for(agent).get(reverse("tickets:canned_search", args=[world["other_ticket"].pk]),
                                 {"q": "inv", "format": "json"}).status_code == 404


def test_the_inbox_search_finds_a_phone_written_with_the_country_code(client_for, agent, world):
    page = client_for(agent).get(reverse("tickets:ticket_list"), {"q": "+86 139-1234-5678"})
    assert "T2612050001" in page.content.decode() and "T2612050002" not in page.content.decode()


def test_the_global_search_finds_articles_by_title_not_through_their_text(agent):
    ArticleFactory(title="运费说明", body="退货时由顾客承担的运费见下表。")
    assert _hits(search_everything(viewer=agent, q="运费"), "knowledge") == ["运费说明"]
    assert _hits(search_everything(viewer=agent, q="顾客承担"), "knowledge") == []
