import pytest

from tests.factories import CustomerFactory
from tickets.models import Ticket, TicketEvent, TicketMessage
from tickets.services import ticket_create, ticket_message_add


@pytest.mark.django_db
def test_create_numbers_the_ticket_and_records_intake(agent, team):
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="物流太慢")
    assert ticket.number.startswith("T") and len(ticket.number) == 11
    assert ticket.status == Ticket.Status.NEW
    assert list(ticket.events.values_list("kind", "actor")) == [(TicketEvent.Kind.CREATED, agent.pk)]


@pytest.mark.django_db
def test_first_agent_reply_sets_first_response_once(agent, team):
    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="咨询")
    ticket_message_add(ticket=ticket, actor=agent, body="内部备注", sender=TicketMessage.Sender.AGENT, is_internal=True)
    ticket.refresh_from_db()
    assert ticket.first_response_at is None
    first = ticket_message_add(ticket=ticket, actor=agent, body="您好", sender=TicketMessage.Sender.AGENT)
    ticket_message_add(ticket=ticket, actor=agent, body="还有什么可以帮您？", sender=TicketMessage.Sender.AGENT)
    ticket.refresh_from_db()
    assert ticket.first_response_at == first.created_at


from decimal import Decimal  # noqa: E402

from django.core.exceptions import ValidationError  # noqa: E402

from helpdesk.roles import Role  # noqa: E402
from tests.factories import TicketFactory, UserFactory  # noqa: E402
from tickets import services  # noqa: E402
from tickets.models import Remedy, RemedyLimit  # noqa: E402
from tickets.workflow import TransitionNotAllowed  # noqa: E402


@pytest.mark.django_db
def test_transition_sets_resolved_and_closed_times_and_records_events(agent, team):
    ticket = TicketFactory(team=team, status="open")
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved", note="已解决")
    services.ticket_transition(ticket=ticket, actor=agent, status="closed")
    ticket.refresh_from_db()
    assert ticket.resolved_at and ticket.closed_at
    assert list(ticket.events.values_list("from_value", "to_value")) == [("open", "resolved"), ("resolved", "closed")]


@pytest.mark.django_db
def test_transition_refuses_leaving_closed(agent, team):
    ticket = TicketFactory(team=team, status="closed")
    with pytest.raises(TransitionNotAllowed):
        services.ticket_transition(ticket=ticket, actor=agent, status="open")
    assert not ticket.events.exists()


@pytest.mark.django_db
def test_customer_message_reopens_a_ticket_waiting_on_the_customer(team):
    ticket = TicketFactory(team=team, status="pending_customer")
    services.ticket_message_add(ticket=ticket, actor=None, body="我补充一下", sender=TicketMessage.Sender.CUSTOMER)
    ticket.refresh_from_db()
    assert ticket.status == "open"


@pytest.mark.django_db
def test_remedy_limit_is_configurable_per_role(agent, team):
    RemedyLimit.objects.update_or_create(role=Role.AGENT.value, defaults={"amount": Decimal("50")})
    ticket = TicketFactory(team=team, status="open")
    remedy = services.remedy_propose(ticket=ticket, actor=agent, kind="coupon", amount=Decimal("60"))
    assert remedy.status == Remedy.Status.AWAITING_APPROVAL


@pytest.mark.django_db
def test_supervisor_cannot_approve_above_own_limit(agent, supervisor, team):
    RemedyLimit.objects.update_or_create(role=Role.SUPERVISOR.value, defaults={"amount": Decimal("1000")})
    ticket = TicketFactory(team=team, status="open")
    remedy = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("3000"))
    with pytest.raises(ValidationError):
        services.remedy_decide(remedy=remedy, actor=supervisor, approve=True)
    manager = UserFactory(role=Role.MANAGER)
    assert services.remedy_decide(remedy=remedy, actor=manager, approve=True).status == Remedy.Status.APPROVED


@pytest.mark.django_db
def test_remedy_agreement_and_execution_fill_the_complaint_steps(agent, team):
    from sla.selectors import complaint_progress

    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="破损", kind="complaint")
    services.ticket_update(ticket=ticket, actor=agent, category=None, priority="high")
    remedy = services.remedy_propose(ticket=ticket, actor=agent, kind="reship", amount=Decimal("0"))
    services.remedy_record_agreement(remedy=remedy, actor=agent)
    services.remedy_mark_done(remedy=remedy, actor=agent)
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    done = {step["step"] for step in complaint_progress(ticket=ticket) if step["done"]}
    assert done == {"intake", "solution", "agreement", "execution", "feedback"}


@pytest.mark.django_db
def test_transfer_drops_an_assignee_outside_the_new_team(agent, team, other_team):
    ticket = TicketFactory(team=team, assignee=agent, status="open")
    services.ticket_transfer(ticket=ticket, actor=agent, team=other_team)
    ticket.refresh_from_db()
    assert ticket.team == other_team and ticket.assignee is None


@pytest.mark.django_db
def test_merge_moves_messages_and_closes_the_duplicate(supervisor, team):
    customer = CustomerFactory()
    keep, duplicate = TicketFactory(team=team, customer=customer), TicketFactory(team=team, customer=customer)
    services.ticket_message_add(ticket=duplicate, actor=None, body="重复的问题", sender=TicketMessage.Sender.CUSTOMER)
    services.ticket_merge(source=duplicate, target=keep, actor=supervisor)
    duplicate.refresh_from_db()
    assert keep.messages.count() == 1 and duplicate.status == "closed" and duplicate.merged_into == keep


@pytest.mark.django_db
def test_remedies_split_below_the_limit_still_wait_once_the_total_passes_it(agent, supervisor, team):
    ticket = TicketFactory(team=team, status="open")
    first = services.remedy_propose(ticket=ticket, actor=agent, kind="compensation", amount=Decimal("499"))
    second = services.remedy_propose(ticket=ticket, actor=agent, kind="compensation", amount=Decimal("499"))
    third = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("2"))  # 499 + 2 granted > 500
    assert [first.status, second.status, third.status] == [Remedy.Status.APPROVED, Remedy.Status.AWAITING_APPROVAL,
                                                           Remedy.Status.AWAITING_APPROVAL]
    ticket.refresh_from_db()
    assert ticket.status == "awaiting_approval"


@pytest.mark.django_db
def test_approving_counts_what_the_ticket_was_already_granted(agent, supervisor, team):
    RemedyLimit.objects.update_or_create(role=Role.SUPERVISOR.value, defaults={"amount": Decimal("1000")})
    ticket = TicketFactory(team=team, status="open")
    first = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("600"))
    services.remedy_decide(remedy=first, actor=supervisor, approve=True)
    remedy = services.remedy_propose(ticket=ticket, actor=agent, kind="refund", amount=Decimal("600"))
    with pytest.raises(ValidationError) as refused:
        services.remedy_decide(remedy=remedy, actor=supervisor, approve=True)
    assert "amount" in refused.value.message_dict
    assert services.remedy_decide(remedy=remedy, actor=UserFactory(role=Role.MANAGER), approve=True).status == "approved"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["refund", "compensation", "coupon"])
@pytest.mark.parametrize("amount", [None, Decimal("0")])
def test_a_money_remedy_without_an_amount_is_refused(agent, team, kind, amount):
    ticket = TicketFactory(team=team, status="open")
    with pytest.raises(ValidationError) as refused:
        services.remedy_propose(ticket=ticket, actor=agent, kind=kind, amount=amount)
    assert "amount" in refused.value.message_dict
    assert not Remedy.objects.exists()
