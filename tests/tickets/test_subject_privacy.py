"""Personal data typed in ticket subjects: masked for agents wherever a subject is shown, in clear with the right."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.services import customer_anonymize
from helpdesk.roles import Role
from tests.factories import CustomerFactory, TicketFactory, UserFactory
from tickets.models import TicketEvent
from tickets.services import ticket_update

pytestmark = pytest.mark.django_db

SUBJECT = "回电13800138000，寄到上海市浦东新区张江路123号"
MASKED = "回电138****8000，寄到上海市浦东新****"


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team, customer=CustomerFactory(), subject=SUBJECT, status="open")


def test_ticket_list_and_its_htmx_rows_mask_the_subject_for_an_agent(client_for, agent, supervisor, ticket):
    client = client_for(agent)
    for page in (client.get("/tickets/"), client.get("/inbox/"), client.get("/tickets/?q=张江"),
                 client.get("/tickets/", headers={"HX-Request": "true", "HX-Target": "ticket-rows"})):
        text = page.content.decode()
        assert MASKED in text and "13800138000" not in text and "张江路123号" not in text
    assert SUBJECT in client_for(supervisor).get("/tickets/").content.decode()


def test_ticket_page_masks_the_subject_in_title_header_edit_field_and_history(client_for, agent, supervisor, ticket):
    ticket_update(ticket=ticket, actor=agent, subject="改期 wang@example.com")
    ticket.refresh_from_db()
    page = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "wang@example.com" not in page and "13800138000" not in page
    assert page.count("改期 w***@example.com") >= 3  # title, header, edit field
    assert f"{MASKED} → 改期 w***@example.com" in page  # the subject change in the history
    page = client_for(supervisor).get(f"/tickets/{ticket.pk}/").content.decode()
    assert page.count("改期 wang@example.com") >= 3 and f"{SUBJECT} → 改期 wang@example.com" in page


def test_recent_tickets_on_the_card_mask_their_subjects(client_for, agent, ticket, team):
    other = TicketFactory(team=team, customer=ticket.customer, subject="别的事")
    page = client_for(agent).get(f"/tickets/{other.pk}/").content.decode()
    assert MASKED in page and "13800138000" not in page


def test_an_agent_saving_the_masked_subject_back_keeps_the_stored_one(client_for, agent, ticket):
    response = client_for(agent).post(f"/tickets/{ticket.pk}/update/", {"subject": MASKED, "priority": "high"})
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.priority) == (SUBJECT, "high")
    assert not TicketEvent.objects.filter(ticket=ticket, kind="subject").exists()


def test_ticket_api_masks_the_subject_for_an_agent(api_client, agent, supervisor, ticket):
    api_client.force_authenticate(agent)
    row = api_client.get("/api/v1/tickets/").json()["results"][0]
    assert (row["subject"], row["subject_is_masked"]) == (MASKED, True)
    detail = api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert (detail["subject"], detail["subject_is_masked"]) == (MASKED, True)
    patched = api_client.patch(f"/api/v1/tickets/{ticket.pk}/", {"subject": detail["subject"]}, format="json")
    assert patched.status_code == 200 and patched.json()["subject"] == MASKED
    ticket.refresh_from_db()
    assert ticket.subject == SUBJECT
    api_client.force_authenticate(supervisor)
    assert api_client.get(f"/api/v1/tickets/{ticket.pk}/").json()["subject"] == SUBJECT
    assert api_client.get("/api/v1/tickets/").json()["results"][0]["subject_is_masked"] is False


def test_ticket_events_api_masks_subject_changes_and_notes(api_client, agent, supervisor, ticket):
    ticket_update(ticket=ticket, actor=agent, subject="新标题")
    TicketEvent.objects.create(ticket=ticket, kind="escalated", actor=agent, note="客户电话13912345678")
    api_client.force_authenticate(agent)
    events = api_client.get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]
    assert [(e["from_value"], e["note"]) for e in events if e["kind"] in ("subject", "escalated")] == [
        (MASKED, ""), ("", "客户电话139****5678")]
    api_client.force_authenticate(supervisor)
    events = api_client.get(f"/api/v1/tickets/{ticket.pk}/events/").json()["results"]
    assert SUBJECT in [e["from_value"] for e in events]


def test_sla_at_risk_list_masks_the_subject_without_the_right(client_for, team, supervisor, sla_defaults):
    from django.contrib.auth.models import Permission

    from tickets.services import ticket_create

    ticket = ticket_create(actor=supervisor, customer=CustomerFactory(), team=team, subject=SUBJECT, channel="chat")
    watcher = UserFactory(username="t-watcher", role=Role.AGENT, teams=[team])
    watcher.user_permissions.add(Permission.objects.get(codename="view_at_risk"))
    page = client_for(watcher).get("/sla/at-risk/").content.decode()
    assert ticket.number in page and MASKED in page and "13800138000" not in page
    assert SUBJECT in client_for(supervisor).get("/sla/at-risk/").content.decode()


def test_inbox_rows_with_masked_subjects_cost_no_query_per_row(client_for, agent, team):
    client = client_for(agent)
    TicketFactory(team=team, subject=SUBJECT, status="open")
    client.get("/tickets/")
    with CaptureQueriesContext(connection) as one:
        client.get("/tickets/")
    for _ in range(10):
        TicketFactory(team=team, subject=SUBJECT, status="open")
    with CaptureQueriesContext(connection) as eleven:
        text = client.get("/tickets/").content.decode()
    assert text.count(MASKED) == 11 and len(one) == len(eleven)


def test_anonymize_masks_the_subjects_a_subject_change_recorded(manager, agent, ticket):
    ticket_update(ticket=ticket, actor=agent, subject="改期 wang@example.com")
    customer_anonymize(actor=manager, customer=ticket.customer, reason="客户申请")
    event = TicketEvent.objects.get(ticket=ticket, kind="subject")
    ticket.refresh_from_db()
    assert (event.from_value, event.to_value) == (MASKED, "改期 w***@example.com")
    assert ticket.subject == "改期 w***@example.com"


def test_agent_reveals_the_subject_on_the_page_and_through_the_api_audited(client_for, api_client, agent, ticket):
    from customers.models import PiiReveal

    client = client_for(agent)
    assert 'data-testid="reveal-subject"' in client.get(f"/tickets/{ticket.pk}/").content.decode()
    refused = client.post(f"/tickets/{ticket.pk}/reveal/", {"part": "subject", "reason": " "}, headers={"HX-Request": "true"})
    assert MASKED in refused.content.decode() and "13800138000" not in refused.content.decode()
    revealed = client.post(f"/tickets/{ticket.pk}/reveal/", {"part": "subject", "reason": "回电"}, headers={"HX-Request": "true"})
    assert 'data-testid="revealed-subject"' in revealed.content.decode() and SUBJECT in revealed.content.decode()
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/tickets/{ticket.pk}/reveal/", {"part": "subject", "reason": "核对"}, format="json")
    assert response.status_code == 200 and response.json() == {"message": None, "body": SUBJECT}
    assert list(PiiReveal.objects.filter(viewer=agent).values_list("source", "reason")) == [
        (f"{ticket.number} subject", "核对"), (f"{ticket.number} subject", "回电")]
