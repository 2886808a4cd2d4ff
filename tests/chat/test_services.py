"""Live chat services: sessions, tokens, message numbers, accept, auto-assign, transfer, end into a ticket, presence."""

import datetime as dt
import time

import pytest
import redis
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from chat import services
from chat.events import session_channel
from chat.models import AgentPresence, ChatEvent, ChatMessage, ChatSession
from helpdesk.roles import Role
from sla.models import TicketSLATimer
from tests.factories import ChatWidgetFactory, CustomerFactory, ForbiddenPhraseFactory, TicketFactory, UserFactory
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def widget(team):
    return ChatWidgetFactory(team=team)


@pytest.fixture
def session(widget):
    return services.chat_session_start(widget=widget, name="王小明", phone="13800138000")


def _online(user, max_chats=5):
    services.agent_presence_set(user=user, status=AgentPresence.Status.ONLINE)
    AgentPresence.objects.filter(user=user).update(max_chats=max_chats)


def test_start_finds_or_creates_the_customer_by_phone(widget):
    existing = CustomerFactory(phone="13800138000")
    session = services.chat_session_start(widget=widget, name="王小明", phone="138 0013 8000")
    assert session.customer_id == existing.pk
    assert session.status == ChatSession.Status.WAITING
    assert session.events.filter(kind=ChatEvent.Kind.CREATED).exists()


def test_start_without_phone_is_refused(widget):
    with pytest.raises(ValidationError) as error:
        services.chat_session_start(widget=widget, name="王小明")
    assert "phone" in error.value.message_dict


def test_signed_customer_token_links_the_archive(widget):
    token = services.customer_token_sign(widget=widget, phone="13912345678", name="李雷")
    session = services.chat_session_start(widget=widget, customer_token=token)
    assert session.customer is not None and session.customer.name == "李雷"
    assert not session.is_flagged


def test_forged_customer_token_runs_anonymous_and_flagged(widget):
    token = services.customer_token_sign(widget=widget, phone="13912345678", name="李雷")
    forged = token[:-4] + ("0000" if not token.endswith("0000") else "1111")
    session = services.chat_session_start(widget=widget, customer_token=forged, name="李雷", phone="13912345678")
    assert session.customer is None
    assert session.is_flagged
    assert session.events.filter(kind=ChatEvent.Kind.FLAGGED).exists()


def test_token_signed_with_another_shops_secret_is_forged(widget, team):
    other = ChatWidgetFactory(team=team, secret="another-secret")
    token = services.customer_token_sign(widget=other, phone="13912345678")
    assert services.customer_token_verify(widget=widget, token=token) is None


def test_messages_are_numbered_per_session_and_stored(session, widget):
    other = services.chat_session_start(widget=widget, name="B", phone="13900000001")
    first = services.chat_message_post(session=session, sender="customer", body="一")
    services.chat_message_post(session=other, sender="customer", body="x")
    second = services.chat_message_post(session=session, sender="customer", body="二")
    assert (first.seq, second.seq) == (1, 2)
    assert ChatMessage.objects.get(session=other).seq == 1
    assert ChatEvent.objects.filter(session=session, kind=ChatEvent.Kind.MESSAGE).count() == 2


def test_ten_thousand_characters_are_refused_naming_the_limit(session):
    with pytest.raises(ValidationError) as error:
        services.chat_message_post(session=session, sender="customer", body="好" * 10_000)
    assert str(services.MAX_MESSAGE_CHARS) in error.value.message_dict["body"][0]


def test_agent_may_not_write_before_accepting(session, agent):
    with pytest.raises(services.ChatConflict):
        services.chat_message_post(session=session, sender="agent", actor=agent, body="您好")


def test_accept_takes_the_chat_and_a_second_agent_gets_a_conflict(session, agent, team):
    other = UserFactory(username="t-agent-b", role=Role.AGENT, teams=[team])
    services.chat_accept(session=session, agent=agent)
    with pytest.raises(services.ChatConflict):
        services.chat_accept(session=session, agent=other)
    session.refresh_from_db()
    assert session.agent == agent and session.status == ChatSession.Status.ACTIVE and session.accepted_at


def test_accept_respects_the_agents_limit(widget, agent):
    _online(agent, max_chats=1)
    first = services.chat_session_start(widget=widget, name="A", phone="13900000001")
    second = services.chat_session_start(widget=widget, name="B", phone="13900000002")
    services.chat_accept(session=first, agent=agent)
    with pytest.raises(services.ChatConflict):
        services.chat_accept(session=second, agent=agent)


def test_auto_assign_picks_the_least_busy_online_agent_under_the_limit(team):
    widget = ChatWidgetFactory(team=team, is_auto_assign=True)
    busy = UserFactory(username="t-busy", role=Role.AGENT, teams=[team])
    free = UserFactory(username="t-free", role=Role.AGENT, teams=[team])
    away = UserFactory(username="t-away", role=Role.AGENT, teams=[team])
    _online(busy)
    _online(free, max_chats=2)
    services.agent_presence_set(user=away, status=AgentPresence.Status.AWAY)
    manual = ChatWidgetFactory(team=team)
    services.chat_accept(session=services.chat_session_start(widget=manual, name="0", phone="13900000000"), agent=busy)
    sessions = [services.chat_session_start(widget=widget, name=str(i), phone=f"1390000001{i}") for i in range(4)]
    agents = [ChatSession.objects.get(pk=s.pk).agent for s in sessions]
    # free takes the first two (0 open < busy's 1), then hits its limit of 2; busy takes the rest.
    assert agents[0] == free
    assert agents.count(free) == 2
    assert away not in agents
    assert ChatEvent.objects.filter(kind=ChatEvent.Kind.ASSIGNED).count() == 4


def test_auto_assign_leaves_the_chat_waiting_when_nobody_is_online(team):
    widget = ChatWidgetFactory(team=team, is_auto_assign=True)
    session = services.chat_session_start(widget=widget, name="A", phone="13900000001")
    assert ChatSession.objects.get(pk=session.pk).status == ChatSession.Status.WAITING


def test_transfer_to_a_team_returns_the_chat_to_its_queue_with_the_note(session, agent, other_team):
    services.chat_accept(session=session, agent=agent)
    services.chat_transfer(session=session, actor=agent, to_team=other_team, note="退货问题，转售后")
    session.refresh_from_db()
    assert (session.team, session.agent, session.status) == (other_team, None, ChatSession.Status.WAITING)
    assert session.events.get(kind=ChatEvent.Kind.TRANSFERRED).note == "退货问题，转售后"


def test_transfer_to_an_agent_outside_the_team_is_refused(session, agent):
    services.chat_accept(session=session, agent=agent)
    outsider = UserFactory(username="t-outsider", role=Role.AGENT)
    with pytest.raises(ValidationError):
        services.chat_transfer(session=session, actor=agent, to_agent=outsider)


def test_end_files_the_transcript_as_a_chat_ticket_with_real_times(widget, agent, sla_defaults):
    start = timezone.now() - dt.timedelta(minutes=10)
    with time_machine.travel(start, tick=False):
        session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000",
                                          message="<script>alert(1)</script>在吗")
    with time_machine.travel(start + dt.timedelta(seconds=20), tick=False):
        services.chat_accept(session=session, agent=agent)
        services.chat_message_post(session=session, sender="agent", actor=agent, body="您好，在的")
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        services.chat_message_post(session=session, sender="customer", body="订单什么时候发货？")
    ticket = services.chat_end(session=session, actor=agent)
    assert ticket.channel == Ticket.Channel.CHAT and ticket.assignee == agent
    assert ticket.created_at == start
    assert ticket.first_response_at == start + dt.timedelta(seconds=20)
    messages = list(ticket.messages.order_by("created_at"))
    assert [m.sender for m in messages] == ["customer", "agent", "customer"]
    assert messages[0].body == "<script>alert(1)</script>在吗"  # plain text, escaped where it is shown
    assert messages[0].body_format == "text"
    assert messages[2].created_at == start + dt.timedelta(minutes=1)
    first = TicketSLATimer.objects.get(ticket=ticket, target="first_response")
    assert first.met_at == start + dt.timedelta(seconds=20)
    answered = TicketSLATimer.objects.get(ticket=ticket, target="next_response")
    assert answered.met_at is not None and answered.next_check_at is None  # the chat is over: nobody waits in it
    session.refresh_from_db()
    assert session.status == ChatSession.Status.ENDED and session.ticket == ticket
    assert session.events.filter(kind=ChatEvent.Kind.ENDED).exists()


def test_end_may_append_to_an_open_ticket_of_the_customer(session, agent, team):
    services.chat_accept(session=session, agent=agent)
    services.chat_message_post(session=session, sender="agent", actor=agent, body="您好")
    existing = TicketFactory(customer=session.customer, team=team)
    ticket = services.chat_end(session=session, actor=agent, ticket=existing)
    assert ticket == existing
    assert existing.messages.filter(sender=TicketMessage.Sender.AGENT, body="您好").exists()


def test_end_refuses_another_customers_ticket(session, agent, team):
    services.chat_accept(session=session, agent=agent)
    with pytest.raises(ValidationError):
        services.chat_end(session=session, actor=agent, ticket=TicketFactory(team=team))


def test_anonymous_flagged_chat_gets_an_archive_when_it_ends(widget, agent):
    session = services.chat_session_start(widget=widget, customer_token="bogus.token", name="匿名")
    services.chat_accept(session=session, agent=agent)
    ticket = services.chat_end(session=session, actor=agent)
    assert ticket.customer.name == "匿名"


def test_ended_chat_takes_no_more_messages(session, agent):
    services.chat_accept(session=session, agent=agent)
    services.chat_end(session=session, actor=agent)
    with pytest.raises(ValidationError):
        services.chat_message_post(session=session, sender="customer", body="还在吗")


def test_language_check_finds_forbidden_phrases_and_records_it(session, agent):
    ForbiddenPhraseFactory(phrase="测试禁语乙", suggestion="我帮您查一下")
    hits = services.chat_language_check(session=session, actor=agent, body="这个测试禁语乙")
    assert [hit.phrase for hit in hits] == ["测试禁语乙"]
    assert session.events.filter(kind=ChatEvent.Kind.LANGUAGE).exists()


def test_silent_agent_goes_away_and_their_chats_return_to_the_queue(session, agent):
    _online(agent)
    services.chat_accept(session=session, agent=agent)
    later = timezone.now() + dt.timedelta(seconds=services.away_after_seconds() + 5)
    assert services.agent_presence_sweep_stale(now=later) == 1
    assert AgentPresence.objects.get(user=agent).status == AgentPresence.Status.AWAY
    session.refresh_from_db()
    assert (session.status, session.agent) == (ChatSession.Status.WAITING, None)
    assert session.events.filter(kind=ChatEvent.Kind.REQUEUED).exists()
    assert services.agent_presence_sweep_stale(now=later) == 0  # a second sweep changes nothing


def test_agent_with_a_fresh_heartbeat_stays_online(agent):
    _online(agent)
    services.agent_presence_touch(user=agent)
    assert services.agent_presence_sweep_stale() == 0


def test_an_agent_away_by_silence_is_online_again_when_the_inbox_returns(agent, django_assert_num_queries):
    _online(agent)
    later = timezone.now() + dt.timedelta(minutes=5)
    assert services.agent_presence_sweep_stale(now=later) == 1
    presence = AgentPresence.objects.get(user=agent)
    assert presence.status == AgentPresence.Status.AWAY and presence.auto_away_at == later
    with time_machine.travel(later + dt.timedelta(hours=2), tick=False):
        services.agent_presence_touch(user=agent)
    presence.refresh_from_db()
    assert presence.status == AgentPresence.Status.ONLINE and presence.auto_away_at is None
    back = ChatEvent.objects.filter(kind=ChatEvent.Kind.PRESENCE, agent=agent).latest("pk")
    assert back.actor is None and back.data["status"] == "online" and back.data["from"] == "away"
    with django_assert_num_queries(1):
        services.agent_presence_touch(user=agent)  # the heartbeat of an agent who stays as they are


def test_away_or_offline_by_hand_stays_and_yesterdays_silence_starts_a_new_shift(agent, team):
    other_agent = UserFactory(role=Role.AGENT, teams=[team])
    services.agent_presence_set(user=agent, status=AgentPresence.Status.AWAY)
    services.agent_presence_touch(user=agent)
    assert AgentPresence.objects.get(user=agent).status == AgentPresence.Status.AWAY
    _online(other_agent)
    yesterday = timezone.now() - dt.timedelta(hours=20)
    assert services.agent_presence_sweep_stale(now=yesterday + dt.timedelta(minutes=5)) == 0  # seen just now
    AgentPresence.objects.filter(user=other_agent).update(last_seen_at=yesterday)
    assert services.agent_presence_sweep_stale(now=yesterday + dt.timedelta(minutes=5)) == 1
    services.agent_presence_touch(user=other_agent)
    # Not the same shift: the inbox opens with the shift's start, offline unless a setting says otherwise.
    assert AgentPresence.objects.get(user=other_agent).status == AgentPresence.Status.OFFLINE


def test_a_new_shift_starts_with_the_configured_presence(agent, team, settings, django_assert_num_queries):
    settings.CHAT_PRESENCE_SHIFT_START = "online"
    services.agent_presence_touch(user=agent)  # the first inbox ever: the shift starts online
    assert AgentPresence.objects.get(user=agent).status == AgentPresence.Status.ONLINE
    services.agent_presence_set(user=agent, status=AgentPresence.Status.OFFLINE)
    services.agent_presence_touch(user=agent)  # offline by hand stays for the shift
    assert AgentPresence.objects.get(user=agent).status == AgentPresence.Status.OFFLINE
    with django_assert_num_queries(1):
        services.agent_presence_touch(user=agent)
    AgentPresence.objects.filter(user=agent).update(last_seen_at=timezone.now() - dt.timedelta(hours=20))
    services.agent_presence_touch(user=agent)  # the next morning
    assert AgentPresence.objects.get(user=agent).status == AgentPresence.Status.ONLINE
    started = ChatEvent.objects.filter(kind=ChatEvent.Kind.PRESENCE, agent=agent).latest("pk")
    assert started.actor is None and started.data["status"] == "online" and started.data["from"] == "offline"
    settings.CHAT_PRESENCE_SHIFT_START = "everywhere"  # not a presence: offline
    assert services.shift_start_status() == AgentPresence.Status.OFFLINE


def test_leave_message_files_a_ticket(widget):
    ticket = services.chat_leave_message(widget=widget, name="赵六", phone="13700000000", body="请回电")
    assert ticket.channel == Ticket.Channel.CHAT and ticket.team == widget.team
    assert ticket.messages.get().body == "请回电"


def test_mark_read_moves_forward_only(session, agent):
    services.chat_accept(session=session, agent=agent)
    services.chat_message_post(session=session, sender="customer", body="一")
    services.chat_message_post(session=session, sender="customer", body="二")
    services.chat_mark_read(session=session, reader="agent", seq=2, actor=agent)
    services.chat_mark_read(session=session, reader="agent", seq=1, actor=agent)
    services.chat_mark_read(session=session, reader="agent", seq=99, actor=agent)
    session.refresh_from_db()
    assert session.agent_read_seq == 2


def test_a_stream_ticket_is_spent_once_and_lasts_a_minute(session):
    from django.http import Http404

    ticket = services.chat_stream_ticket_issue(session=session)
    older = services.chat_stream_ticket_issue(session=session)
    assert services.chat_stream_ticket_redeem(session_id=session.pk, ticket=ticket) == session.pk
    for spent in (ticket, older):  # spending one moves the count on: older unspent tickets open nothing either
        with pytest.raises(Http404):
            services.chat_stream_ticket_redeem(session_id=session.pk, ticket=spent)
    fresh = services.chat_stream_ticket_issue(session=session)
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=services.STREAM_TICKET_SECONDS + 1)):
        with pytest.raises(Http404):
            services.chat_stream_ticket_redeem(session_id=session.pk, ticket=fresh)
    for forged in ("", "x", fresh + "0", fresh.replace(":", ";")):
        with pytest.raises(Http404):
            services.chat_stream_ticket_redeem(session_id=session.pk, ticket=forged)
    assert services.chat_stream_ticket_redeem(session_id=session.pk, ticket=fresh) == session.pk


def test_ending_a_chat_stops_the_clock_of_the_customers_last_message(widget, agent, sla_defaults):
    start = timezone.now() - dt.timedelta(minutes=3)
    with time_machine.travel(start, tick=False):
        session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000", message="在吗")
        services.chat_accept(session=session, agent=agent)
        services.chat_message_post(session=session, sender="agent", actor=agent, body="您好，在的")
    with time_machine.travel(start + dt.timedelta(minutes=1), tick=False):
        services.chat_message_post(session=session, sender="customer", body="好的，谢谢，再见")
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        ticket = services.chat_end(session=session, actor=agent)
    timer = TicketSLATimer.objects.get(ticket=ticket, target="next_response")
    assert timer.met_at == start + dt.timedelta(minutes=2)
    assert timer.next_check_at is None and timer.breached_at is None
    first = TicketSLATimer.objects.get(ticket=ticket, target="first_response")
    assert first.met_at == start


def test_a_chat_nobody_answered_keeps_its_first_response_clock(widget, agent, sla_defaults):
    session = services.chat_session_start(widget=widget, name="王小明", phone="13800138000", message="在吗")
    ticket = services.chat_end(session=session, actor=agent)
    first = TicketSLATimer.objects.get(ticket=ticket, target="first_response")
    assert first.met_at is None and first.next_check_at is not None


class TestAbandonedChats:
    """A waiting chat whose visitor left (no stream open, no message for a while) ends itself."""

    @pytest.fixture
    def left(self, widget, settings):
        settings.CHAT_ABANDONED_MINUTES = 10
        with time_machine.travel(timezone.now() - dt.timedelta(minutes=15), tick=False):
            return services.chat_session_start(widget=widget, name="王小明", phone="13800138000", message="还有货吗")

    def test_its_message_becomes_a_ticket_for_the_team_with_a_note(self, left, sla_defaults):
        assert services.chat_sweep_abandoned() == 1
        left.refresh_from_db()
        assert left.status == ChatSession.Status.ENDED and left.ticket is not None
        assert left.ticket.team_id == left.team_id and left.ticket.assignee is None
        bodies = list(left.ticket.messages.order_by("created_at", "pk").values_list("sender", "body"))
        assert bodies == [("customer", "还有货吗"), ("system", "访客在客服接入前离开了。")]
        ended = left.events.get(kind=ChatEvent.Kind.ENDED)
        assert ended.actor is None and ended.note == "访客在客服接入前离开了。"
        assert TicketSLATimer.objects.get(ticket=left.ticket, target="first_response").met_at is None
        assert services.chat_sweep_abandoned() == 0

    def test_an_empty_chat_just_ends(self, widget, settings):
        settings.CHAT_ABANDONED_MINUTES = 10
        with time_machine.travel(timezone.now() - dt.timedelta(minutes=15), tick=False):
            empty = services.chat_session_start(widget=widget, name="王小明", phone="13800138000")
        assert services.chat_sweep_abandoned() == 1
        empty.refresh_from_db()
        assert empty.status == ChatSession.Status.ENDED and empty.ticket is None
        assert not Ticket.objects.exists()

    def test_a_visitor_who_wrote_lately_or_is_still_connected_stays(self, left, widget, settings):
        services.chat_message_post(session=left, sender="customer", body="有人吗？")
        with time_machine.travel(timezone.now() - dt.timedelta(minutes=15), tick=False):
            watching = services.chat_session_start(widget=widget, name="李雷", phone="13900139000", message="在吗")
        connection = redis.Redis.from_url(settings.REDIS_URL)
        listener = connection.pubsub()
        listener.subscribe(session_channel(watching.pk))  # the visitor's stream, as the hub subscribes it
        try:
            assert services.chat_sweep_abandoned() == 0
        finally:
            listener.close()
        for _ in range(50):  # the server drops a closed connection's subscriptions a moment later
            if connection.pubsub_numsub(session_channel(watching.pk))[0][1] == 0:
                break
            time.sleep(0.02)
        assert services.chat_sweep_abandoned() == 1  # the stream closed: that visitor has left
        assert ChatSession.objects.get(pk=left.pk).status == ChatSession.Status.WAITING

    def test_an_accepted_chat_is_not_ended(self, left, agent):
        services.chat_accept(session=left, agent=agent)
        assert services.chat_sweep_abandoned() == 0

    def test_without_redis_nothing_ends(self, left, settings):
        settings.REDIS_URL = "redis://127.0.0.1:1/0"
        assert services.chat_sweep_abandoned() == 0
        assert ChatSession.objects.get(pk=left.pk).status == ChatSession.Status.WAITING
