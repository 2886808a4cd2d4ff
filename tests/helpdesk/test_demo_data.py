import pytest
from django.contrib.auth import authenticate

from customers.models import Customer
from helpdesk.demo import DEMO_PASSWORD, demo_data_load
from helpdesk.models import Team, User
from helpdesk.roles import Role, primary_role
from orders.models import Order, OrderItem
from tickets.models import Ticket, TicketEvent, TicketMessage

MODELS = [User, Team, Customer, Order, OrderItem, Ticket, TicketMessage, TicketEvent]


@pytest.mark.django_db
def test_demo_data_is_idempotent():
    demo_data_load()
    counts = {model: model.objects.count() for model in MODELS}
    demo_data_load()
    assert {model: model.objects.count() for model in MODELS} == counts
    assert counts[Ticket] >= 10 and counts[Customer] >= 10 and counts[Order] >= 10


@pytest.mark.django_db
def test_demo_users_have_their_roles_and_teams():
    demo_data_load()
    expected = {"agent": Role.AGENT, "agent2": Role.AGENT, "supervisor": Role.SUPERVISOR,
                "supervisor2": Role.SUPERVISOR, "manager": Role.MANAGER, "admin": Role.ADMIN}
    for username, role in expected.items():
        user = authenticate(username=username, password=DEMO_PASSWORD)
        assert user is not None, username
        assert primary_role(user) == role
    assert set(User.objects.get(username="agent").teams.values_list("code", flat=True)) == {"presales"}
    assert set(User.objects.get(username="agent2").teams.values_list("code", flat=True)) == {"aftersales"}
    assert Team.objects.get(code="presales").supervisor.username == "supervisor"
    assert Team.objects.get(code="aftersales").supervisor.username == "supervisor2"  # every team has an approver
    assert User.objects.get(username="admin").is_staff


@pytest.mark.django_db
def test_demo_departments_have_a_team_with_a_member_and_a_lead():
    from tickets.models import DepartmentTeam

    demo_data_load()
    mapped = {row.department: row.team for row in DepartmentTeam.objects.select_related("team__supervisor")}
    assert set(mapped) == {"warehouse", "logistics", "finance", "product"}
    for department, team in mapped.items():
        assert team.members.filter(username=department).exists()
        assert team.supervisor.username == f"{department}_lead"


@pytest.mark.django_db
def test_demo_tickets_have_numbers_and_first_responses():
    demo_data_load()
    replied = Ticket.objects.filter(messages__sender=TicketMessage.Sender.AGENT, messages__is_internal=False).distinct()
    assert replied.exists()
    assert not replied.filter(first_response_at__isnull=True).exists()
    assert Ticket.objects.filter(number__startswith="T").count() == Ticket.objects.count()


@pytest.mark.django_db
def test_demo_tickets_do_not_repeat_the_description_as_a_message():
    demo_data_load()
    for ticket in Ticket.objects.all():
        first = ticket.messages.order_by("created_at", "id").first()
        assert first is None or first.body != ticket.description, ticket.number
