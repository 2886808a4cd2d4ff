"""The approver's queue (待审批) and the notifications around it: asked, decided, told."""

from decimal import Decimal

import pytest
from django.core import mail

from approvals.selectors import approvals_for_user
from helpdesk.roles import Role
from orders import services as order_services
from orders.models import ReturnRequest
from sla import services as sla_services
from sla.models import Notification
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tests.factories.orders import delivered_order
from tickets import services
from tickets.selectors import approvers_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team, subject="耳机没有声音")


def test_a_remedy_above_the_limit_asks_the_teams_approver_in_the_app_and_by_mail(ticket, agent, supervisor):
    remedy = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("800"))
    [asked] = Notification.objects.filter(kind=Notification.Kind.APPROVAL)
    assert asked.recipient == supervisor and asked.ticket == ticket
    assert ticket.number in asked.text and "¥800" in asked.text and str(agent) in asked.text
    assert remedy.status == "awaiting_approval"
    assert sla_services.notification_email_send(notification_id=asked.pk) is True
    assert sla_services.notification_email_send(notification_id=asked.pk) is False  # sent once
    [message] = mail.outbox
    assert message.to == [supervisor.email] and message.subject == asked.text
    asked.refresh_from_db()
    assert asked.emailed_at is not None


def test_a_remedy_within_the_limit_asks_nobody(ticket, agent, supervisor):
    services.remedy_propose(ticket=ticket, actor=agent, kind="coupon", amount=Decimal("20"))
    assert not Notification.objects.exists()


def test_the_agent_is_told_of_the_decision(ticket, agent, supervisor):
    approved = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("800"))
    services.remedy_decide(remedy=approved, actor=supervisor, approve=True)
    rejected = services.remedy_propose(ticket=ticket, actor=agent, kind="compensation", amount=Decimal("900"))
    services.remedy_decide(remedy=rejected, actor=supervisor, approve=False, reason="已补发，无需补偿")
    told = list(Notification.objects.filter(kind=Notification.Kind.DECISION, recipient=agent).order_by("pk"))
    assert len(told) == 2
    assert "已批准" in told[0].text and "¥800" in told[0].text
    assert "已驳回" in told[1].text and "已补发，无需补偿" in told[1].text


def test_a_team_without_an_approver_falls_to_the_managers(team, manager):
    lonely = TeamFactory(name="仓储", code="warehouse-test")
    assert approvers_for(team=lonely) == [manager]
    assert approvers_for(team=None) == [manager]


def test_the_queue_lists_what_waits_for_the_viewer_oldest_first(client_for, ticket, agent, supervisor, other_team):
    first = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("800"))
    escalated = TicketFactory(team=ticket.team, subject="物流丢件")
    services.ticket_escalate(ticket=escalated, actor=agent, reason="顾客要求主管处理")
    elsewhere = TicketFactory(team=other_team)
    services.remedy_propose(ticket=elsewhere, actor=UserFactory(role=Role.AGENT, teams=[other_team]), kind="refund",
                            amount=Decimal("700"))
    waiting = approvals_for_user(user=supervisor)
    assert [(item.kind, item.number) for item in waiting] == [("remedy", ticket.number), ("escalation", escalated.number)]
    assert waiting[0].amount == first.amount and waiting[0].asked_by == str(agent)
    page = client_for(supervisor).get("/approvals/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('data-testid="approval-row"') == 2 and "待审批" in html and "¥800" in html
    assert elsewhere.number not in html


def test_agents_have_no_queue(client_for, agent):
    assert client_for(agent).get("/approvals/").status_code == 403


def test_a_refund_above_the_limit_waits_in_the_queue_and_its_approval_is_told(agent, supervisor, ticket):
    order = delivered_order(lines=((1, "1299.00"),))
    line = order.items.first()
    ret = order_services.return_request_create(order=order, kind=ReturnRequest.Kind.RETURN, reason="quality",
                                               items=[(line.pk, 1)], ticket=ticket)
    ret = order_services.return_request_approve(return_request=ret, actor=agent)
    ret = order_services.return_request_arrange_pickup(return_request=ret, actor=agent, method="customer_ships")
    ret = order_services.return_request_receive(return_request=ret, actor=agent)
    ret = order_services.return_request_inspect(return_request=ret, actor=agent, passed=True)
    ret = order_services.return_request_refund(return_request=ret, actor=agent)
    asked = Notification.objects.get(kind=Notification.Kind.APPROVAL, recipient=supervisor)
    assert asked.link == f"/returns/{ret.pk}/" and ret.number in asked.text
    [item] = [item for item in approvals_for_user(user=supervisor) if item.kind == "refund"]
    assert item.number == ret.number and item.amount == Decimal("1299.00") and item.due_at is not None
    order_services.return_request_refund(return_request=ret, actor=supervisor)
    told = Notification.objects.get(kind=Notification.Kind.DECISION, recipient=agent)
    assert ret.number in told.text and told.link == f"/returns/{ret.pk}/"
    assert not [item for item in approvals_for_user(user=supervisor) if item.kind == "refund"]
