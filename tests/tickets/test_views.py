import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache

from tests.factories import CannedReplyFactory, CustomerFactory, ForbiddenPhraseFactory, TicketFactory, TicketMessageFactory
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()


def test_inbox_lists_visible_tickets_with_view_counts(client_for, agent, team, other_team):
    TicketFactory(team=team, subject="我的工单", assignee=agent, status="open")
    TicketFactory(team=team, subject="待认领")
    TicketFactory(team=other_team, subject="别的团队")
    response = client_for(agent).get("/inbox/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "我的工单" in html and "待认领" in html and "别的团队" not in html
    views = {view["key"]: view["count"] for view in response.context["saved_views"]}
    assert views["mine"] == 1 and views[""] == 2  # mine; the work queue: mine and the unassigned one


def test_inbox_htmx_returns_only_rows_filtered(client_for, agent, team):
    TicketFactory(team=team, subject="紧急", priority="urgent")
    TicketFactory(team=team, subject="普通")
    response = client_for(agent).get("/inbox/?priority=urgent", headers={"HX-Request": "true", "HX-Target": "ticket-rows"})
    html = response.content.decode()
    assert "紧急" in html and "普通" not in html and "<html" not in html


def test_ticket_page_shows_thread_notes_card_masked(client_for, agent, team):
    customer = CustomerFactory(name="周杰", phone="13812345678")
    ticket = TicketFactory(team=team, customer=customer)
    TicketMessageFactory(ticket=ticket, body="客户的话")
    TicketMessageFactory(ticket=ticket, sender=TicketMessage.Sender.AGENT, is_internal=True, body="内部备注内容")
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "客户的话" in html and "内部备注内容" in html and 'class="msg agent internal"' in html
    assert "138****5678" in html and "13812345678" not in html


def test_transfer_select_lists_the_active_teams_by_name(client_for, agent, team, other_team):
    ticket = TicketFactory(team=team)
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    options = html.split('<select name="team"', 1)[1].split("</select>", 1)[0]
    assert f'<option value="{other_team.pk}">{other_team.name}</option>' in options
    assert f'<option value="{team.pk}" selected>{team.name}</option>' in options


def test_reply_with_forbidden_phrase_warns_then_sends(client_for, agent, team):
    ForbiddenPhraseFactory(phrase="你自己看着办", suggestion="我来为您处理")
    ticket = TicketFactory(team=team)
    client = client_for(agent)
    warned = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "你自己看着办吧"})
    assert warned.status_code == 200 and "我来为您处理" in warned.content.decode()
    assert not ticket.messages.exists()
    sent = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "你自己看着办吧", "confirm_language": "True"})
    assert sent.status_code == 302 and ticket.messages.count() == 1


def test_script_in_a_message_is_escaped_on_the_page(client_for, agent, team):
    ticket = TicketFactory(team=team)
    TicketMessageFactory(ticket=ticket, body='<script>alert("x")</script><img src=x onerror=alert(1)>')
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "<script>alert" not in html and "onerror" not in html.replace("&lt;", "")


def test_canned_reply_search_fills_placeholders(client_for, agent, team):
    CannedReplyFactory(shortcut="greet", body="您好{customer_name}，工单{ticket_number}")
    ticket = TicketFactory(team=team, customer=CustomerFactory(name="林黛"))
    html = client_for(agent).get(f"/tickets/{ticket.pk}/canned/?q=/gre").content.decode()
    assert f"您好林黛，工单{ticket.number}" in html


def test_claim_and_escalate_from_the_page(client_for, agent, supervisor, team):
    ticket = TicketFactory(team=team)
    client = client_for(agent)
    client.post(f"/tickets/{ticket.pk}/claim/")
    client.post(f"/tickets/{ticket.pk}/escalate/", {"reason": "重大投诉"})
    ticket.refresh_from_db()
    assert ticket.assignee == agent and ticket.escalated_to == supervisor and ticket.status == Ticket.Status.OPEN


def test_unknown_action_and_bad_transition_do_not_fail(client_for, agent, team):
    ticket = TicketFactory(team=team)
    client = client_for(agent)
    assert client.post(f"/tickets/{ticket.pk}/explode/").status_code == 404
    assert client.post(f"/tickets/{ticket.pk}/transition/", {"status": "awaiting_approval"}).status_code == 302


def test_ticket_page_query_count_is_constant(client_for, agent, team, django_assert_max_num_queries):
    ticket = TicketFactory(team=team)
    for _ in range(30):
        TicketMessageFactory(ticket=ticket)
    client = client_for(agent)
    client.get(f"/tickets/{ticket.pk}/")
    with django_assert_max_num_queries(16):  # 24 before the per-request caches and option lists; one for the orders the viewer may open, one for the ticket's tags, one for the viewer's reply draft; the service phrases, remedy limits and the viewer's permissions, groups and teams cached
        client.get(f"/tickets/{ticket.pk}/")


def test_ticket_page_remedy_hint_follows_a_changed_limit(client_for, agent, team):
    from decimal import Decimal

    from helpdesk.roles import Role
    from tickets.models import RemedyLimit

    ticket = TicketFactory(team=team)
    client = client_for(agent)
    RemedyLimit.objects.update_or_create(role=Role.AGENT.value, defaults={"amount": Decimal("50")})
    assert "¥50.00" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    RemedyLimit.objects.update_or_create(role=Role.AGENT.value, defaults={"amount": Decimal("80")})
    assert "¥80.00" in client.get(f"/tickets/{ticket.pk}/").content.decode()
    RemedyLimit.objects.filter(role=Role.AGENT.value).delete()
    assert "¥500" in client.get(f"/tickets/{ticket.pk}/").content.decode()


def test_inbox_query_count_does_not_grow_with_rows(client_for, agent, team, django_assert_max_num_queries):
    for _ in range(30):
        TicketFactory(team=team, assignee=agent, status="open")
    client = client_for(agent)
    client.get("/inbox/")
    with django_assert_max_num_queries(5):  # 13 before; the viewer's permissions, groups and teams cached
        response = client.get("/inbox/")
    assert len(response.context["tickets"]) == 25


def test_option_lists_follow_category_and_team_changes(client_for, agent, team):
    from tests.factories import TeamFactory

    client = client_for(agent)
    client.get("/tickets/")
    TeamFactory(name="新成立的团队", code="brand-new")
    html = client.get("/tickets/").content.decode()
    assert "新成立的团队" in html


def test_ticket_page_service_phrases_follow_phrase_changes(client_for, agent, team):
    from tickets.models import ForbiddenPhrase

    ticket = TicketFactory(team=team)
    client = client_for(agent)

    def phrases() -> set[str]:
        return {p["phrase"] for p in client.get(f"/tickets/{ticket.pk}/").context["service_phrases"]}

    assert "不归我们管" not in phrases()
    phrase = ForbiddenPhrase.objects.create(phrase="不归我们管", kind="forbidden", suggestion="我来帮您联系负责的同事")
    assert "不归我们管" in phrases()
    phrase.is_active = False
    phrase.save()
    assert "不归我们管" not in phrases()
    phrase.is_active = True
    phrase.save()
    assert "不归我们管" in phrases()
    phrase.delete()
    assert "不归我们管" not in phrases()


def test_notification_badge_is_cached_and_dropped_when_read(client_for, agent, team):
    from sla.models import Notification
    from sla.selectors import notification_unread_count, notification_unread_forget
    from sla.services import notification_mark_all_read

    ticket = TicketFactory(team=team)
    notification_unread_forget(user_ids=[agent.pk])
    assert notification_unread_count(agent) == 0
    Notification.objects.create(recipient=agent, ticket=ticket, kind="sla_breach", text="x", dedupe_key="k1")
    assert notification_unread_count(agent) == 0  # cached for half a minute
    notification_unread_forget(user_ids=[agent.pk])
    assert notification_unread_count(agent) == 1
    notification_mark_all_read(user=agent)
    assert notification_unread_count(agent) == 0


def test_side_panel_links_the_customer_orders_and_tickets_the_viewer_may_open(client_for, agent, team, other_team):
    from django.utils import timezone

    from orders.models import ShopTeam
    from tests.factories import OrderFactory

    ShopTeam.objects.create(shop="天猫旗舰店", team=team)
    ShopTeam.objects.create(shop="京东自营", team=other_team)
    customer = CustomerFactory(name="周杰", phone="13812345678")
    ours = OrderFactory(customer=customer, shop="天猫旗舰店", delivered_at=timezone.now())
    theirs = OrderFactory(customer=customer, shop="京东自营")
    ticket = TicketFactory(team=team, customer=customer, order=ours)
    other = TicketFactory(team=team, customer=customer)
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    card = html.split('data-testid="customer-card"', 1)[1].split("</section>", 1)[0]
    assert f'href="/customers/{customer.pk}/"' in card
    assert f'<a href="/orders/{ours.pk}/">{ours.number}</a>' in card
    assert f"/orders/{theirs.pk}/" not in html and theirs.number in card
    assert f'href="/tickets/{other.pk}/"' in card
    assert "13812345678" not in html
    assert f'href="/orders/{ours.pk}/?return=1&amp;ticket={ticket.pk}#start-return"' in html


def test_side_panel_leaves_the_customer_as_text_without_the_archive_permission(client_for, agent, team):
    ticket = TicketFactory(team=team)
    for group in agent.groups.all():
        group.permissions.remove(Permission.objects.get(codename="view_customer"))
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert 'data-testid="customer-link"' not in html and f"/customers/{ticket.customer_id}/" not in html
    assert ticket.customer.name[-1] in html
