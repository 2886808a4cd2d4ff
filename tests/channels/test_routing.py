import pytest
from django.core.exceptions import ValidationError

from channels.models import RoutingRule
from channels.routing import ticket_route
from helpdesk.models import Team
from tests.factories import TeamFactory
from tickets.models import Category, Ticket


@pytest.mark.django_db
def test_shipped_rules_send_complaints_to_after_sales_and_questions_to_pre_sales():
    assert ticket_route(channel="email", kind=Ticket.Kind.COMPLAINT).code == "aftersales"
    assert ticket_route(channel="web", kind=Ticket.Kind.CONSULTATION).code == "presales"
    assert ticket_route(channel="phone", kind=Ticket.Kind.ORDER_ISSUE).code == "aftersales"


@pytest.mark.django_db
def test_first_matching_rule_by_order_wins_and_category_covers_children():
    logistics = Category.objects.get(code="logistics")
    child = Category.objects.create(name="快递丢件测试", code="routing-test-lost", parent=logistics)
    courier_team = TeamFactory()
    RoutingRule.objects.create(position=1, name="物流", category=logistics, team=courier_team)
    assert ticket_route(channel="email", kind=Ticket.Kind.COMPLAINT, category=child) == courier_team
    assert ticket_route(channel="email", kind=Ticket.Kind.COMPLAINT).code == "aftersales"


@pytest.mark.django_db
def test_channel_rule_and_inactive_rule():
    phone_team = TeamFactory()
    rule = RoutingRule.objects.create(position=1, name="电话", channel="phone", team=phone_team)
    assert ticket_route(channel="phone", kind=Ticket.Kind.COMPLAINT) == phone_team
    assert ticket_route(channel="email", kind=Ticket.Kind.COMPLAINT) != phone_team
    rule.is_active = False
    rule.save()
    assert ticket_route(channel="phone", kind=Ticket.Kind.COMPLAINT) != phone_team


@pytest.mark.django_db
def test_without_rules_the_first_active_team_and_without_teams_a_validation_error():
    RoutingRule.objects.all().delete()
    first = Team.objects.order_by("pk").first()
    assert ticket_route(channel="email", kind="complaint") == first
    Team.objects.update(is_active=False)
    with pytest.raises(ValidationError):
        ticket_route(channel="email", kind="complaint")
