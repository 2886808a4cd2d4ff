"""Personal data in what quality inspection (质检) shows: masked without the right to see it, in clear with it."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission

from customers.services import customer_anonymize
from helpdesk.roles import Role
from kpi.models import QualityCheckItem, QualityInspection
from kpi.services import quality_inspection_create, ticket_facts_rebuild
from tests.factories import CustomerFactory, UserFactory
from tests.kpi.conftest import at
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db

SUBJECT = "退款到 wang@example.com"
BODY = "我的电话13912345678，地址上海市浦东新区张江路123号"
COMMENT = "客户电话13912345678，已核对身份证11010519491231002X"


@pytest.fixture
def conversation(no_sla_policies, story, team):
    ticket = story(CustomerFactory(), team, [("create", at(2, 10)), ("customer", at(2, 10, 5)), ("agent", at(2, 10, 10))])
    Ticket.objects.filter(pk=ticket.pk).update(subject=SUBJECT)
    said = TicketMessage.objects.get(ticket=ticket, sender="customer")
    TicketMessage.objects.filter(pk=said.pk).update(body=BODY)
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    ticket = Ticket.objects.get(pk=ticket.pk)
    ticket.said = said
    return ticket


@pytest.fixture
def inspector(team):
    """Someone who reads the KPI pages and inspects conversations without the right to see personal data."""
    user = UserFactory(username="t-inspector", role=Role.AGENT, teams=[team])
    user.user_permissions.add(Permission.objects.get(codename="view_dashboard"))
    return user


def _inspect(supervisor, ticket):
    scores = {item.pk: 4 for item in QualityCheckItem.objects.filter(is_active=True)}
    return quality_inspection_create(actor=supervisor, ticket=ticket, scores=scores, comment=COMMENT)


def test_quality_page_masks_subjects_and_comments_without_the_right(client_for, inspector, supervisor, conversation):
    query = {"sample": 1, "date_from": "2026-11-01", "date_to": "2026-11-30"}
    page = client_for(inspector).get("/kpi/quality/", query).content.decode()
    assert "退款到 w***@example.com" in page and "wang@example.com" not in page
    _inspect(supervisor, conversation)
    recent = client_for(inspector).get("/kpi/quality/").content.decode()
    assert "客户电话139****5678" in recent and "13912345678" not in recent
    assert "13912345678" in client_for(supervisor).get("/kpi/quality/").content.decode()


def test_inspect_page_masks_the_thread_and_offers_a_reveal(client_for, inspector, supervisor, conversation):
    page = client_for(inspector).get(f"/kpi/quality/inspect/{conversation.pk}/").content.decode()
    assert "13912345678" not in page and "张江路123号" not in page and "wang@example.com" not in page
    assert "139****5678" in page and "退款到 w***@example.com" in page
    assert page.count('data-testid="reveal-message"') == 1
    revealed = client_for(inspector).post(f"/tickets/{conversation.pk}/reveal/",
                                          {"message": conversation.said.pk, "reason": "质检核对"})
    assert BODY in revealed.content.decode()
    page = client_for(supervisor).get(f"/kpi/quality/inspect/{conversation.pk}/").content.decode()
    assert BODY in page and SUBJECT in page and 'data-testid="reveal-message"' not in page


def test_my_inspections_mask_the_comment_for_the_agent(client_for, agent, supervisor, conversation):
    _inspect(supervisor, conversation)
    mine = client_for(agent).get("/kpi/quality/mine/").content.decode()
    assert "客户电话139****5678，已核对身份证110***********002X" in mine and "13912345678" not in mine


def test_anonymize_masks_inspection_comments(manager, supervisor, conversation):
    inspection = _inspect(supervisor, conversation)
    customer_anonymize(actor=manager, customer=conversation.customer, reason="客户申请")
    inspection.refresh_from_db()
    assert inspection.comment == "客户电话139****5678，已核对身份证110***********002X"
    assert QualityInspection.objects.get().score_percent == inspection.score_percent
