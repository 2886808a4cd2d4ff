import pytest

from helpdesk.roles import Role
from tests.factories import ForbiddenPhraseFactory, TicketFactory, TicketMessageFactory, UserFactory
from tickets import services
from tickets.models import TicketMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team, subject="耳机没有声音")


@pytest.fixture
def seen(ticket):
    """The newest message the agent saw when the page rendered."""
    return TicketMessageFactory(ticket=ticket, body="耳机左边没有声音")


def customer_writes(ticket, body="还在吗？"):
    return services.ticket_message_add(ticket=ticket, actor=None, body=body, sender=TicketMessage.Sender.CUSTOMER)


def agent_replies(ticket):
    return ticket.messages.filter(sender=TicketMessage.Sender.AGENT)


def test_service_holds_a_reply_when_a_newer_public_message_exists(ticket, seen, agent):
    newer = customer_writes(ticket)
    with pytest.raises(services.NewerMessages) as held:
        services.ticket_message_add(ticket=ticket, actor=agent, body="您好", sender="agent", after_message=seen.pk)
    assert held.value.message_ids == [newer.pk] and not agent_replies(ticket).exists()


def test_service_ignores_internal_notes_and_own_messages_when_holding(ticket, seen, agent):
    TicketMessageFactory(ticket=ticket, sender="agent", author=UserFactory(role=Role.AGENT), is_internal=True)
    own = services.ticket_message_add(ticket=ticket, actor=agent, body="稍等", sender="agent")
    services.ticket_message_add(ticket=ticket, actor=agent, body="已查到", sender="agent", after_message=seen.pk)
    assert agent_replies(ticket).filter(is_internal=False).count() == 2 and own.pk


def test_page_holds_the_reply_keeps_the_text_and_highlights_the_new_message(client_for, agent, ticket, seen):
    newer = customer_writes(ticket, "我等了好久")
    response = client_for(agent).post(f"/tickets/{ticket.pk}/reply/", {"body": "您好，正在为您查询", "after_message": seen.pk},
                                      HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = response.content.decode()
    assert response.status_code == 409 and not agent_replies(ticket).exists()
    assert "在你输入时有 1 条新消息。仍然发送？" in html and "您好，正在为您查询</textarea>" in html
    assert 'held-new" data-testid="message" data-new="1"' in html and "我等了好久" in html
    assert f'name="after_message" value="{newer.pk}"' in html


def test_send_anyway_sends_once(client_for, agent, ticket, seen):
    customer_writes(ticket)
    client = client_for(agent)
    client.post(f"/tickets/{ticket.pk}/reply/", {"body": "您好", "after_message": seen.pk})
    response = client.post(f"/tickets/{ticket.pk}/reply/", {"body": "您好", "after_message": seen.pk, "confirm": "1"})
    assert response.status_code == 302 and list(agent_replies(ticket).values_list("body", flat=True)) == ["您好"]


def test_page_sends_when_nothing_new_arrived(client_for, agent, ticket, seen):
    response = client_for(agent).post(f"/tickets/{ticket.pk}/reply/", {"body": "您好", "after_message": seen.pk})
    assert response.status_code == 302 and agent_replies(ticket).count() == 1


def test_page_does_not_hold_an_internal_note(client_for, agent, ticket, seen):
    customer_writes(ticket)
    response = client_for(agent).post(f"/tickets/{ticket.pk}/reply/",
                                      {"body": "核实物流", "internal": "on", "after_message": seen.pk})
    assert response.status_code == 302 and agent_replies(ticket).filter(is_internal=True).count() == 1


def test_page_shows_the_newest_message_in_the_reply_form(client_for, agent, ticket, seen):
    html = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert f'name="after_message" value="{seen.pk}"' in html


def test_page_rejects_a_bad_after_message(client_for, agent, ticket):
    response = client_for(agent).post(f"/tickets/{ticket.pk}/reply/", {"body": "您好", "after_message": "x"})
    assert response.status_code == 400 and not agent_replies(ticket).exists()


def test_api_answers_409_with_the_newer_message_ids(api, agent, ticket, seen):
    newer = customer_writes(ticket)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "您好", "after_message": seen.pk},
                               format="json")
    assert response.status_code == 409
    assert response.json()["newer_messages"] == [newer.pk] and "新消息" in response.json()["detail"]
    assert not agent_replies(ticket).exists()


def test_api_sends_after_reading_the_newer_message_once(api, agent, ticket, seen):
    newer = customer_writes(ticket)
    client = api(agent)
    url = f"/api/v1/tickets/{ticket.pk}/messages/"
    assert client.post(url, {"body": "您好", "after_message": seen.pk}, format="json").status_code == 409
    assert client.post(url, {"body": "您好", "after_message": newer.pk}, format="json").status_code == 201
    assert agent_replies(ticket).count() == 1


def test_api_without_after_message_sends_as_before(api, agent, ticket, seen):
    customer_writes(ticket)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "您好"}, format="json")
    assert response.status_code == 201


def test_api_does_not_hold_an_internal_note(api, agent, ticket, seen):
    customer_writes(ticket)
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/",
                               {"body": "备注", "internal": True, "after_message": seen.pk}, format="json")
    assert response.status_code == 201


def test_api_rejects_a_negative_after_message(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "您好", "after_message": -1},
                               format="json")
    assert response.status_code == 400 and "after_message" in response.json()


def test_held_reply_keeps_the_confirmed_language_check(client_for, agent, ticket, seen):
    ForbiddenPhraseFactory(phrase="没办法", suggestion="我们一起看看其他解决方式")
    customer_writes(ticket)
    client = client_for(agent)
    held = client.post(f"/tickets/{ticket.pk}/reply/",
                       {"body": "没办法", "after_message": seen.pk, "confirm_language": "True"})
    assert held.status_code == 409 and 'name="confirm_language" value="True"' in held.content.decode()
    sent = client.post(f"/tickets/{ticket.pk}/reply/",
                       {"body": "没办法", "after_message": seen.pk, "confirm_language": "True", "confirm": "1"})
    assert sent.status_code == 302 and agent_replies(ticket).count() == 1
