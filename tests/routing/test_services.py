import datetime as dt

import pytest
from django.utils import timezone, translation

from chat.models import AgentPresence
from chat.services import agent_presence_set
from helpdesk.celery import app
from routing import tasks
from routing.models import RoutingTurn, TeamRouting
from routing.services import agent_backlog_deliver, ticket_route, ticket_sweep_unassigned
from tests.factories import CustomerFactory, TeamFactory, TicketFactory
from tests.factories.routing import RoutingProfileFactory, TeamRoutingFactory
from tests.routing.conftest import agent_make, presence_set
from tickets.models import Category, TicketEvent
from tickets.services import ticket_create, ticket_transfer

pytestmark = pytest.mark.django_db


def hold(agent, team, count, status="open"):
    for _ in range(count):
        TicketFactory(team=team, assignee=agent, status=status)


def turn(team, agent, minutes_ago):
    RoutingTurn.objects.create(team=team, user=agent, last_assigned_at=timezone.now() - dt.timedelta(minutes=minutes_ago))


def test_least_loaded_picks_the_agent_with_fewest_open_tickets(routed_team):
    busy, free = agent_make(routed_team, "busy"), agent_make(routed_team, "free")
    hold(busy, routed_team, 3)
    hold(free, routed_team, 1)
    hold(free, routed_team, 5, status="resolved")  # resolved and closed tickets are no load
    ticket = TicketFactory(team=routed_team)
    assert ticket_route(ticket_id=ticket.pk) == free
    ticket.refresh_from_db()
    assert ticket.assignee == free and ticket.status == "open"


def test_least_loaded_breaks_a_tie_by_longest_since_last_assignment(routed_team):
    recent, earlier = agent_make(routed_team, "recent"), agent_make(routed_team, "earlier")
    turn(routed_team, recent, 1)
    turn(routed_team, earlier, 30)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == earlier


def test_round_robin_picks_the_agent_assigned_longest_ago_whatever_their_load(routed_team):
    TeamRouting.objects.filter(team=routed_team).update(mode=TeamRouting.Mode.ROUND_ROBIN)
    first, second, third = (agent_make(routed_team, name) for name in ("rr1", "rr2", "rr3"))
    hold(second, routed_team, 4)
    turn(routed_team, first, 5)
    turn(routed_team, second, 60)
    turn(routed_team, third, 10)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == second
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == third
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == first
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == second


def test_round_robin_serves_an_agent_never_assigned_first(routed_team):
    TeamRouting.objects.filter(team=routed_team).update(mode=TeamRouting.Mode.ROUND_ROBIN)
    veteran, newcomer = agent_make(routed_team, "veteran"), agent_make(routed_team, "newcomer")
    turn(routed_team, veteran, 600)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == newcomer


def test_an_agent_at_capacity_is_passed_by_and_nobody_with_room_leaves_the_ticket_waiting(routed_team):
    full = agent_make(routed_team, "full", capacity=2)
    roomy = agent_make(routed_team, "roomy", capacity=3)
    hold(full, routed_team, 2)
    hold(roomy, routed_team, 2)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) == roomy
    waiting = TicketFactory(team=routed_team)
    assert ticket_route(ticket_id=waiting.pk) is None
    waiting.refresh_from_db()
    assert waiting.assignee is None and waiting.status == "new"


def test_an_agent_without_a_profile_has_the_default_capacity(routed_team):
    agent = agent_make(routed_team, "default-cap")
    hold(agent, routed_team, 20)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team).pk) is None


def test_a_category_matched_team_gives_a_ticket_only_to_agents_who_handle_it(routed_team):
    TeamRouting.objects.filter(team=routed_team).update(is_category_matched=True)
    logistics = Category.objects.create(name="物流", code="routing-logistics")
    late = Category.objects.create(name="延迟", code="routing-late", parent=logistics)
    payment = Category.objects.create(name="支付", code="routing-payment")
    shipper = agent_make(routed_team, "shipper")
    RoutingProfileFactory(user=shipper).categories.set([logistics])
    cashier = agent_make(routed_team, "cashier")
    RoutingProfileFactory(user=cashier).categories.set([payment])
    hold(shipper, routed_team, 5)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team, category=late).pk) == shipper  # by its parent
    assert ticket_route(ticket_id=TicketFactory(team=routed_team, category=payment).pk) == cashier
    other = Category.objects.create(name="其他", code="routing-other")
    assert ticket_route(ticket_id=TicketFactory(team=routed_team, category=other).pk) is None
    generalist = agent_make(routed_team, "generalist")  # no categories listed: every category
    hold(generalist, routed_team, 9)
    assert ticket_route(ticket_id=TicketFactory(team=routed_team, category=other).pk) == generalist


def test_a_team_without_category_matching_ignores_the_agents_categories(routed_team):
    payment = Category.objects.create(name="支付", code="routing-payment")
    shipper = agent_make(routed_team, "shipper")
    RoutingProfileFactory(user=shipper).categories.set([Category.objects.create(name="物流", code="routing-logistics")])
    assert ticket_route(ticket_id=TicketFactory(team=routed_team, category=payment).pk) == shipper


def test_offline_away_and_inactive_agents_are_skipped(routed_team):
    agent_make(routed_team, "offline", online=False)
    away = agent_make(routed_team, "away")
    presence_set(away, AgentPresence.Status.AWAY)
    gone = agent_make(routed_team, "gone")
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    agent_make(TeamFactory(), "outsider")  # online, but of another team
    ticket = TicketFactory(team=routed_team)
    assert ticket_route(ticket_id=ticket.pk) is None
    on_duty = agent_make(routed_team, "on-duty")
    hold(on_duty, routed_team, 10)
    assert ticket_route(ticket_id=ticket.pk) == on_duty


def test_a_manual_team_and_a_team_without_settings_keep_their_tickets_in_the_queue(routed_team, team):
    TeamRouting.objects.filter(team=routed_team).update(mode=TeamRouting.Mode.MANUAL)
    agent_make(routed_team, "idle")
    agent_make(team, "idle-too")
    for ticket in (TicketFactory(team=routed_team), TicketFactory(team=team)):
        assert ticket_route(ticket_id=ticket.pk) is None
        assert not ticket.events.filter(kind=TicketEvent.Kind.ASSIGNED).exists()
    assert ticket_sweep_unassigned() == 0


def test_assigned_resolved_and_closed_tickets_are_left_alone(routed_team):
    agent = agent_make(routed_team, "someone")
    other = agent_make(routed_team, "other")
    hold(agent, routed_team, 1)
    for ticket in (TicketFactory(team=routed_team, assignee=other, status="open"),
                   TicketFactory(team=routed_team, status="resolved"), TicketFactory(team=routed_team, status="closed")):
        assert ticket_route(ticket_id=ticket.pk) is None
    assert ticket_route(ticket_id=0) is None


@pytest.mark.parametrize(("mode", "reason"), [(TeamRouting.Mode.ROUND_ROBIN, "自动分配：轮询"),
                                               (TeamRouting.Mode.LEAST_LOADED, "自动分配：负载最少")])
def test_every_assignment_is_an_event_with_its_reason(routed_team, mode, reason):
    TeamRouting.objects.filter(team=routed_team).update(mode=mode)
    agent = agent_make(routed_team, "reasoned")
    ticket = TicketFactory(team=routed_team)
    with translation.override("zh-hans"):
        ticket_route(ticket_id=ticket.pk)
    event = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED)
    assert (event.actor, event.from_value, event.to_value, event.note) == (None, "", str(agent), reason)
    assert RoutingTurn.objects.get(team=routed_team, user=agent).last_assigned_at is not None


def test_a_ticket_created_unassigned_is_routed_after_commit(routed_team, tasks_run_inline,
                                                           django_capture_on_commit_callbacks):
    agent = agent_make(routed_team, "catcher")
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=None, customer=CustomerFactory(), team=routed_team, subject="邮件咨询",
                               channel="email")
        ticket.refresh_from_db()
        assert ticket.assignee is None  # nothing happens before the commit
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_queueing_a_ticket_sends_the_routing_task_once_after_commit(routed_team, monkeypatch,
                                                                    django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.ticket_route, "delay", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        ticket = ticket_create(actor=None, customer=CustomerFactory(), team=routed_team, subject="网页表单",
                               channel="web")
        assert sent == []
    assert sent == [{"ticket_id": ticket.pk}]


def test_a_ticket_transferred_to_a_routed_team_is_routed(routed_team, team, tasks_run_inline,
                                                         django_capture_on_commit_callbacks):
    sender = agent_make(team, "sender", online=False)
    receiver = agent_make(routed_team, "receiver")
    ticket = TicketFactory(team=team, assignee=sender, status="open")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_transfer(ticket=ticket, actor=sender, team=routed_team)
    ticket.refresh_from_db()
    assert ticket.assignee == receiver


def test_an_agent_coming_online_gets_the_waiting_tickets_oldest_first_up_to_capacity(
        routed_team, tasks_run_inline, django_capture_on_commit_callbacks):
    agent = agent_make(routed_team, "late-riser", online=False, capacity=3)
    hold(agent, routed_team, 1)
    waiting = [TicketFactory(team=routed_team) for _ in range(4)]
    with django_capture_on_commit_callbacks(execute=True):
        agent_presence_set(user=agent, status=AgentPresence.Status.ONLINE)
    assigned = {ticket.pk for ticket in waiting if ticket.__class__.objects.get(pk=ticket.pk).assignee_id == agent.pk}
    assert assigned == {waiting[0].pk, waiting[1].pk}
    with translation.override("zh-hans"):
        notes = set(TicketEvent.objects.filter(ticket_id__in=assigned, kind="assigned").values_list("note", flat=True))
    assert len(notes) == 1 and notes.pop().startswith("自动分配")


def test_backlog_delivery_leaves_manual_teams_and_offline_agents_alone(routed_team, team):
    manual = agent_make(team, "manual-agent", capacity=5)
    routed_team.members.add(manual)
    TicketFactory(team=team)
    assert agent_backlog_deliver(user_id=manual.pk) == 0  # routed team has nothing waiting; manual team untouched
    offline = agent_make(routed_team, "sleeper", online=False)
    TicketFactory(team=routed_team)
    assert agent_backlog_deliver(user_id=offline.pk) == 0
    assert agent_backlog_deliver(user_id=manual.pk) == 1


def test_an_agent_going_offline_keeps_their_tickets(routed_team, django_capture_on_commit_callbacks):
    agent = agent_make(routed_team, "leaver")
    ticket = TicketFactory(team=routed_team)
    ticket_route(ticket_id=ticket.pk)
    with django_capture_on_commit_callbacks(execute=True):
        agent_presence_set(user=agent, status=AgentPresence.Status.OFFLINE)
    ticket.refresh_from_db()
    assert ticket.assignee == agent


def test_the_sweep_routes_waiting_tickets_of_routed_teams_oldest_first(routed_team, team):
    agent = agent_make(routed_team, "sweeper", capacity=2)
    TeamRoutingFactory(team=team, mode=TeamRouting.Mode.MANUAL)
    agent_make(team, "manual-only")
    oldest, middle, newest = (TicketFactory(team=routed_team) for _ in range(3))
    untouched = TicketFactory(team=team)
    assert tasks.ticket_sweep_unassigned() == 2
    assert [t.__class__.objects.get(pk=t.pk).assignee_id for t in (oldest, middle, newest, untouched)] == \
        [agent.pk, agent.pk, None, None]


def test_the_sweep_is_in_the_beat_schedule_and_expires_before_its_next_run():
    entry = app.conf.beat_schedule["routing-ticket-sweep-unassigned"]
    assert entry["task"] == "routing.ticket_sweep_unassigned" and entry["task"] in app.tasks
    assert entry["options"]["expires"] < entry["schedule"]


def test_only_coming_online_sends_the_backlog_task_after_commit(routed_team, monkeypatch,
                                                                django_capture_on_commit_callbacks):
    sent = []
    monkeypatch.setattr(tasks.agent_backlog_deliver, "delay", lambda **kwargs: sent.append(kwargs))
    agent = agent_make(routed_team, "switcher", online=False)
    with django_capture_on_commit_callbacks(execute=True):
        agent_presence_set(user=agent, status=AgentPresence.Status.ONLINE)
        assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        agent_presence_set(user=agent, status=AgentPresence.Status.AWAY)
    assert sent == [{"user_id": agent.pk}]


def test_a_ticket_taken_away_from_its_agent_is_routed_again(routed_team, tasks_run_inline,
                                                            django_capture_on_commit_callbacks):
    from tickets.services import ticket_assign

    holder = agent_make(routed_team, "holder", capacity=1)
    other = agent_make(routed_team, "other-one")
    hold(holder, routed_team, 1)  # still at their limit once this one is taken away
    ticket = TicketFactory(team=routed_team, assignee=holder, status="open")
    with django_capture_on_commit_callbacks(execute=True):
        ticket_assign(ticket=ticket, actor=holder, assignee=None)
    ticket.refresh_from_db()
    assert ticket.assignee == other
