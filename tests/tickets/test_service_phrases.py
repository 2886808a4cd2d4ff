"""Service language (服务用语): phrase kinds, hits recorded per sent reply, a missing greeting or closing."""

import pytest

from tickets import services
from tickets.models import ForbiddenPhrase, ServiceLanguageHit
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def test_shipped_phrases_have_kinds():
    kinds = dict(ForbiddenPhrase.objects.values_list("phrase", "kind"))
    assert list(kinds.values()).count("forbidden") >= 7
    assert kinds["您好"] == "greeting" and kinds["祝您生活愉快"] == "closing"


def test_hits_are_recorded_per_sent_reply_with_missing_greeting_and_closing(agent, team):
    ForbiddenPhrase.objects.create(phrase="随便你", kind="discouraged", suggestion="您看这样是否可以")
    ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="用语")
    first = services.ticket_message_add(ticket=ticket, actor=agent, body="随便你吧，没办法", sender="agent")
    # 随便你 (discouraged) and the shipped 没办法 (forbidden), and no greeting in the first reply.
    assert sorted(h.kind for h in first.language_hits.all()) == ["discouraged", "forbidden", "greeting"]
    assert all(h.user == agent and h.ticket == ticket for h in first.language_hits.all())
    second = services.ticket_message_add(ticket=ticket, actor=agent, body="已为您补发", sender="agent")
    assert second.language_hits.count() == 0  # a greeting is expected in the first reply only
    services.ticket_message_add(ticket=ticket, actor=agent, body="没办法", sender="agent", is_internal=True)
    assert ServiceLanguageHit.objects.filter(message__is_internal=True).count() == 0  # notes are not checked
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    # The last reply before resolving holds no closing.
    assert list(second.language_hits.values_list("kind", flat=True)) == ["closing"]


def test_a_polite_reply_records_nothing(agent, team):
    ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="用语")
    reply = services.ticket_message_add(ticket=ticket, actor=agent, body="您好，已为您处理，祝您生活愉快", sender="agent")
    services.ticket_transition(ticket=ticket, actor=agent, status="resolved")
    assert reply.language_hits.count() == 0 and not ServiceLanguageHit.objects.exists()


def test_expected_phrases_do_not_warn_a_draft(agent, team):
    ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="用语")
    assert services.service_language_check(ticket=ticket, actor=agent, body="您好，祝您生活愉快") == []


def test_ticket_and_chat_reply_boxes_ship_the_phrases(agent, team, client_for):
    ticket = services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="用语")
    client = client_for(agent)
    for url in (f"/tickets/{ticket.pk}/", "/chat/inbox/"):
        page = client.get(url).content.decode()
        assert 'data-phrases="service-phrases"' in page and 'id="service-phrases"' in page, url
        assert "\\u6ca1\\u529e\\u6cd5" in page or "没办法" in page, url  # the shipped forbidden phrase
    assert 'data-first-reply="1"' in client.get(f"/tickets/{ticket.pk}/").content.decode()
