"""Service-language findings in quality inspection and as a scorecard measure."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from kpi import services as kpi_services
from kpi.models import Scorecard, ScorecardIndicator, ScorecardScheme
from kpi.quality import service_language_by_agent
from kpi.selectors import day_bounds
from tests.factories import CustomerFactory
from tests.kpi.conftest import at
from tickets import services
from tickets.models import ForbiddenPhrase

pytestmark = pytest.mark.django_db


def replies(agent, team, bodies, day=3):
    """Open a ticket in November and send the agent's replies in order."""
    with time_machine.travel(at(day, 10), tick=False):
        ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="用语",
                                        assignee=agent)
        for body in bodies:
            services.ticket_message_add(ticket=ticket, actor=agent, body=body, sender="agent")
    return ticket


def test_share_of_clean_replies_counts_forbidden_and_discouraged_only(no_sla_policies, agent, team):
    ForbiddenPhrase.objects.create(phrase="随便你", kind="discouraged", suggestion="您看这样可以吗")
    replies(agent, team, ["您好，没办法", "随便你，没办法", "好的"])  # 2 flagged replies of 3 (one has two phrases)
    replies(agent, team, ["已为您处理"])  # no greeting in the first reply: not a forbidden or discouraged phrase
    with time_machine.travel(at(3, 11), tick=False):
        services.ticket_message_add(ticket=replies(agent, team, ["您好"]), actor=agent, body="没办法", sender="agent",
                                    is_internal=True)  # notes are not replies
    start, end = day_bounds(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    # 5 replies, 2 with a forbidden or discouraged phrase: 3 / 5 = 60 %
    assert service_language_by_agent(start=start, end=end) == {agent.pk: 60.0}


def test_scorecard_indicator_reads_the_share(no_sla_policies, agent, team):
    scheme = ScorecardScheme.objects.get()
    scheme.indicators.all().delete()
    ScorecardIndicator.objects.create(scheme=scheme, name="服务用语", source="service_language", weight=100,
                                      threshold_2=60, threshold_3=80, threshold_4=90, threshold_5=98)
    replies(agent, team, ["您好，没办法", "好的", "好的", "好的"])  # 3 / 4 = 75 % → score 2
    from kpi.services import ticket_facts_rebuild
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    kpi_services.scorecards_compute(month=dt.date(2026, 11, 1))
    card = Scorecard.objects.get(agent=agent)
    assert card.indicators[0]["value"] == 75.0 and card.indicators[0]["score"] == 2
    assert card.system_score == Decimal("2.00")


def test_supervisor_sees_the_findings_in_the_sample_and_the_thread(no_sla_policies, agent, team, supervisor,
                                                                  client_for):
    ticket = replies(agent, team, ["没办法", "好的"])  # forbidden, and no greeting in the first reply
    from kpi.services import ticket_facts_rebuild
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    client = client_for(supervisor)
    page = client.get("/kpi/quality/", {"sample": 1, "date_from": "2026-11-01", "date_to": "2026-11-30"}).content.decode()
    cell = page.split('data-testid="language-hits"')[1].split("</td>")[0]
    assert "× 1" in cell and cell.count("kpi-hit ") == 2
    thread = client.get(f"/kpi/quality/inspect/{ticket.pk}/").content.decode()
    assert thread.count('data-testid="message-hit"') == 2 and "“没办法”" in thread


def chat_replies(agent, team, bodies, day=3):
    """Start a November chat, accept it and send the agent's messages in order; return the session."""
    from chat import services as chat_services
    from tests.factories import ChatWidgetFactory

    with time_machine.travel(at(day, 10), tick=False):
        session = chat_services.chat_session_start(widget=ChatWidgetFactory(team=team), name="王小明",
                                                   phone="13800138000", message="在吗")
        chat_services.chat_accept(session=session, agent=agent)
        for body in bodies:
            chat_services.chat_message_post(session=session, sender="agent", actor=agent, body=body)
    return session


def test_each_sent_chat_message_records_its_findings(no_sla_policies, agent, team):
    from chat.models import ChatLanguageHit

    session = chat_replies(agent, team, ["没办法", "您好，已为您查询", "好的"])
    found = sorted((hit.message.seq, hit.kind, hit.phrase.phrase if hit.phrase else "")
                   for hit in ChatLanguageHit.objects.select_related("message", "phrase"))
    # the first reply: a forbidden phrase and no greeting; the others are clean (a greeting is asked of the first only)
    assert found == [(2, "forbidden", "没办法"), (2, "greeting", "")]
    assert {hit.user_id for hit in ChatLanguageHit.objects.all()} == {agent.pk}
    assert session.messages.count() == 4


def test_chat_replies_count_once_before_and_after_the_chat_ends(no_sla_policies, agent, team):
    """Chat: 3 agent messages, 1 with a forbidden phrase; a ticket: 1 clean reply. 3 of 4 clean = 75 %, while the
    chat runs (counted as chat messages) and once it ended (counted as the ticket messages of its transcript)."""
    from chat import services as chat_services
    from tickets.models import ServiceLanguageHit

    session = chat_replies(agent, team, ["您好，没办法", "好的", "好的"])
    replies(agent, team, ["您好"])
    start, end = day_bounds(dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert service_language_by_agent(start=start, end=end) == {agent.pk: 75.0}
    ticket = chat_services.chat_end(session=session, actor=agent)
    assert service_language_by_agent(start=start, end=end) == {agent.pk: 75.0}
    carried = ServiceLanguageHit.objects.filter(ticket=ticket).values_list("kind", "phrase__phrase")
    assert list(carried) == [("forbidden", "没办法")]


def test_the_supervisor_sees_chat_findings_in_the_sample_and_the_thread(no_sla_policies, agent, team, supervisor,
                                                                        client_for):
    from chat import services as chat_services
    from kpi.services import ticket_facts_rebuild

    ticket = chat_services.chat_end(session=chat_replies(agent, team, ["没办法", "好的"]), actor=agent)
    ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    client = client_for(supervisor)
    page = client.get("/kpi/quality/", {"sample": 1, "channel": "chat", "date_from": "2026-11-01",
                                        "date_to": "2026-11-30"}).content.decode()
    cell = page.split('data-testid="language-hits"')[1].split("</td>")[0]
    assert "× 1" in cell and cell.count("kpi-hit ") == 2  # forbidden × 1, no greeting × 1
    thread = client.get(f"/kpi/quality/inspect/{ticket.pk}/").content.decode()
    assert thread.count('data-testid="message-hit"') == 2 and "“没办法”" in thread
