import io

import pytest

from helpdesk.roles import Role
from tests.factories import CannedReplyFactory, CustomerFactory, ForbiddenPhraseFactory, OrderFactory, TicketFactory, UserFactory
from sla.models import Notification
from tickets.models import ServiceLanguageHit, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(team):
    return TicketFactory(team=team, subject="耳机没有声音")


def test_list_shows_only_the_agents_teams_and_own_tickets(api, agent, team, other_team):
    mine = TicketFactory(team=team)
    assigned_elsewhere = TicketFactory(team=other_team, assignee=agent)
    TicketFactory(team=other_team)
    response = api(agent).get("/api/v1/tickets/")
    assert response.status_code == 200
    assert {row["id"] for row in response.json()["results"]} == {mine.pk, assigned_elsewhere.pk}


def test_manager_sees_all(api, manager, team, other_team):
    TicketFactory(team=team), TicketFactory(team=other_team)
    assert len(api(manager).get("/api/v1/tickets/").json()["results"]) == 2


def test_create_with_customer_contact_finds_or_creates_the_customer(api, agent, team):
    existing = CustomerFactory(phone="13900001111")
    body = {"subject": "发票", "kind": "complaint", "channel": "phone",
            "customer_contact": {"name": "王芳", "phone": "13900001111"}}
    response = api(agent).post("/api/v1/tickets/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["customer"] == existing.pk and data["team"] == team.pk and data["number"].startswith("T")
    body["customer_contact"] = {"name": "新顾客", "email": "new@example.com"}
    created = api(agent).post("/api/v1/tickets/", body, format="json").json()
    assert created["customer"] != existing.pk and created["customer_card"]["email"] == "n***@example.com"


def test_create_requires_exactly_one_customer_source(api, agent, team):
    response = api(agent).post("/api/v1/tickets/", {"subject": "x"}, format="json")
    assert response.status_code == 400 and "customer" in response.json()


def test_create_refuses_another_teams_ticket_for_an_agent(api, agent, other_team):
    response = api(agent).post("/api/v1/tickets/", {"subject": "x", "customer": CustomerFactory().pk, "team": other_team.pk}, format="json")
    assert response.status_code == 400 and "team" in response.json()


def test_create_refuses_an_order_of_another_customer(api, agent, team):
    response = api(agent).post("/api/v1/tickets/", {"subject": "x", "customer": CustomerFactory().pk, "order": OrderFactory().pk}, format="json")
    assert response.status_code == 400 and "order" in response.json()


def test_patch_changes_priority_and_category_with_events(api, agent, ticket):
    from tickets.models import Category

    category = Category.objects.get(code="quality")
    response = api(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"priority": "high", "category": category.pk}, format="json")
    assert response.status_code == 200
    assert set(ticket.events.values_list("kind", flat=True)) == {TicketEvent.Kind.PRIORITY, TicketEvent.Kind.CATEGORY}


def test_patch_ignores_status(api, agent, ticket):
    api(agent).patch(f"/api/v1/tickets/{ticket.pk}/", {"status": "closed"}, format="json")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.NEW


def test_a_reply_is_plain_text_kept_as_written_and_escaped_on_the_page(api, client_for, agent, ticket):
    body = '<b>您好</b><script>alert(1)</script><img src=x onerror=alert(1)>'
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": body}, format="json")
    assert response.status_code == 201
    assert (response.json()["body"], response.json()["body_format"]) == (body, "text")
    page = client_for(agent).get(f"/tickets/{ticket.pk}/").content.decode()
    assert "&lt;b&gt;您好&lt;/b&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert(1)" not in page
    ticket.refresh_from_db()
    assert ticket.first_response_at is not None


def test_service_language_check_warns_then_sends_when_confirmed(api, agent, ticket):
    ForbiddenPhraseFactory(phrase="不关我事", suggestion="我来帮您联系相关同事")
    client = api(agent)
    warned = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "这个不关我事"}, format="json")
    assert warned.status_code == 400
    assert warned.json()["service_language"] == [{"phrase": "不关我事", "suggestion": "我来帮您联系相关同事"}]
    assert ServiceLanguageHit.objects.filter(ticket=ticket, user=agent).count() == 1
    sent = client.post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "这个不关我事", "confirm_language": True}, format="json")
    assert sent.status_code == 201
    assert client.get(f"/api/v1/tickets/{ticket.pk}/messages/").json()["results"][0]["body"] == "这个不关我事"


def test_internal_note_is_not_checked_and_sets_no_first_response(api, agent, ticket):
    ForbiddenPhraseFactory(phrase="没办法")
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/messages/", {"body": "没办法", "internal": True}, format="json").status_code == 201
    ticket.refresh_from_db()
    assert ticket.first_response_at is None


def test_unknown_transition_is_a_400_naming_the_allowed_ones(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "awaiting_approval"}, format="json")
    assert response.status_code == 400
    assert response.json()["allowed"] == ["closed", "open", "pending_customer", "pending_internal", "resolved"]
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "nonsense"}, format="json").status_code == 400


def test_transition_records_the_note(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/transition/", {"status": "resolved", "note": "已补发"}, format="json")
    assert response.status_code == 200 and response.json()["resolved_at"]
    assert ticket.events.get(kind="status").note == "已补发"


def test_assign_outside_the_team_is_a_400(api, agent, ticket, other_team):
    outsider = UserFactory(role=Role.AGENT, teams=[other_team])
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": outsider.pk}, format="json")
    assert response.status_code == 400 and "assignee" in response.json()
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": agent.pk}, format="json").json()["status"] == "open"
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/assign/", {"assignee": None}, format="json").json()["assignee"] is None


def test_claim_twice_by_different_agents_is_a_409(api, agent, ticket, team):
    colleague = UserFactory(role=Role.AGENT, teams=[team])
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/claim/").status_code == 200
    response = api(colleague).post(f"/api/v1/tickets/{ticket.pk}/claim/")
    assert response.status_code == 409


def test_escalate_goes_to_the_team_supervisor(api, agent, supervisor, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "重大投诉"}, format="json")
    assert response.status_code == 200 and response.json()["escalated_to"] == supervisor.pk
    listed = api(supervisor).get("/api/v1/tickets/?view=escalated").json()["results"]
    assert [row["id"] for row in listed] == [ticket.pk]


def test_escalate_without_a_supervisor_or_manager_is_a_400(api, agent, ticket):
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "x"}, format="json").status_code == 400


def test_escalation_climbs_from_the_supervisor_to_the_manager(api, agent, supervisor, manager, ticket):
    first = api(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "重大投诉"}, format="json")
    assert first.json()["escalated_to"] == supervisor.pk
    second = api(supervisor).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "顾客要求经理处理"}, format="json")
    assert second.status_code == 200 and second.json()["escalated_to"] == manager.pk
    third = api(manager).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "再升级"}, format="json")
    assert third.status_code == 400 and third.json()["level"] == ["工单已在经理处。"]
    told = Notification.objects.filter(kind=Notification.Kind.ESCALATED).order_by("pk")
    assert [(n.recipient, "顾客要求经理处理" in n.text) for n in told] == [(supervisor, False), (manager, True)]
    events = TicketEvent.objects.filter(ticket=ticket, kind=TicketEvent.Kind.ESCALATED).order_by("pk")
    assert [(e.from_value, e.to_value) for e in events] == [("", str(supervisor)), (str(supervisor), str(manager))]


def test_a_team_without_a_supervisor_escalates_to_a_manager(api, agent, manager, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "重大投诉", "level": "supervisor"},
                               format="json")
    assert response.status_code == 200 and response.json()["escalated_to"] == manager.pk


def test_escalating_straight_to_the_manager(api, agent, supervisor, manager, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "重大投诉", "level": "manager"},
                               format="json")
    assert response.status_code == 200 and response.json()["escalated_to"] == manager.pk
    back = api(manager).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "x", "level": "supervisor"}, format="json")
    assert back.status_code == 400 and "level" in back.json()
    bad = api(manager).post(f"/api/v1/tickets/{ticket.pk}/escalate/", {"reason": "x", "level": "ceo"}, format="json")
    assert bad.status_code == 400 and "level" in bad.json()


def test_remedy_above_the_agent_limit_waits_for_a_supervisor(api, agent, supervisor, ticket):
    proposed = api(agent).post(f"/api/v1/tickets/{ticket.pk}/remedies/", {"kind": "refund", "amount": "800.00"}, format="json")
    assert proposed.status_code == 201 and proposed.json()["status"] == "awaiting_approval"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.AWAITING_APPROVAL
    remedy_id = proposed.json()["id"]
    assert api(agent).post(f"/api/v1/tickets/{ticket.pk}/remedies/{remedy_id}/approve/", {}, format="json").status_code == 403
    assert api(supervisor).post(f"/api/v1/tickets/{ticket.pk}/remedies/{remedy_id}/reject/", {}, format="json").status_code == 400
    approved = api(supervisor).post(f"/api/v1/tickets/{ticket.pk}/remedies/{remedy_id}/approve/", {"reason": "同意"}, format="json")
    assert approved.json()["status"] == "approved"
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_remedy_within_the_limit_is_approved_at_once(api, agent, ticket):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/remedies/", {"kind": "coupon", "amount": "20"}, format="json")
    assert response.json()["status"] == "approved"


def test_tasks_make_the_ticket_wait_on_internal(api, agent, ticket):
    created = api(agent).post(f"/api/v1/tickets/{ticket.pk}/tasks/", {"title": "核查库存", "department": "warehouse"}, format="json")
    assert created.status_code == 201
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.PENDING_INTERNAL
    api(agent).post(f"/api/v1/tickets/{ticket.pk}/tasks/{created.json()['id']}/done/", {"is_done": True}, format="json")
    ticket.refresh_from_db()
    assert ticket.status == Ticket.Status.OPEN


def test_attachment_limits(api, agent, ticket):
    client = api(agent)
    bad = io.BytesIO(b"MZ not an image")
    bad.name = "virus.png"
    response = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": bad}, format="multipart")
    assert response.status_code == 400 and "virus.png" in response.json()["file"][0]  # a program, by its bytes
    unknown = io.BytesIO(b"Rar!\x1a\x07\x00")
    unknown.name = "photos.rar"
    response = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": unknown}, format="multipart")
    assert response.status_code == 400 and "PDF" in response.json()["file"][0]  # the list of what is allowed
    pdf = io.BytesIO(b"%PDF-1.4 hello")
    pdf.name = "invoice.pdf"
    response = client.post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": pdf}, format="multipart")
    assert response.status_code == 201 and response.json()["content_type"] == "application/pdf"


def test_attachment_too_large_names_the_limit(api, agent, ticket, settings, monkeypatch):
    from tickets import attachments

    monkeypatch.setattr(attachments, "MAX_BYTES", 10)
    big = io.BytesIO(b"%PDF-" + b"x" * 100)
    big.name = "big.pdf"
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/attachments/", {"file": big}, format="multipart")
    assert response.status_code == 400 and "MB" in response.json()["file"][0]


def test_merge_needs_a_supervisor_and_the_same_customer(api, agent, supervisor, team):
    customer = CustomerFactory()
    first, duplicate = TicketFactory(team=team, customer=customer), TicketFactory(team=team, customer=customer)
    assert api(agent).post(f"/api/v1/tickets/{duplicate.pk}/merge/", {"into": first.pk}, format="json").status_code == 403
    other = TicketFactory(team=team)
    assert api(supervisor).post(f"/api/v1/tickets/{other.pk}/merge/", {"into": first.pk}, format="json").status_code == 400
    assert api(supervisor).post(f"/api/v1/tickets/{duplicate.pk}/merge/", {"into": first.pk}, format="json").status_code == 200
    duplicate.refresh_from_db()
    assert duplicate.status == Ticket.Status.CLOSED and duplicate.merged_into == first


def test_filters_and_search(api, agent, team):
    customer = CustomerFactory(name="赵敏", phone="13711112222", email="zm@example.com")
    order = OrderFactory(customer=customer, number="DD2026000001")
    target = TicketFactory(team=team, customer=customer, order=order, priority="urgent", subject="退款没到账")
    TicketFactory(team=team)
    client = api(agent)
    for q in (target.number, "13711112222", "zm@example.com", "DD2026000001", "赵敏", "退款"):
        assert [r["id"] for r in client.get("/api/v1/tickets/", {"q": q}).json()["results"]] == [target.pk], q
    rows = client.get("/api/v1/tickets/", {"priority": "urgent", "assignee": "none"}).json()["results"]
    assert [r["id"] for r in rows] == [target.pk]
    assert client.get("/api/v1/tickets/", {"status": "bogus"}).status_code == 400


def test_canned_replies_search_by_shortcut(api, agent, team, other_team):
    CannedReplyFactory(shortcut="thanks-team", team=team)
    CannedReplyFactory(shortcut="thanks-other", team=other_team)
    shortcuts = [r["shortcut"] for r in api(agent).get("/api/v1/canned-replies/", {"q": "/thanks"}).json()]
    assert shortcuts == ["thanks-team"]


def test_supervisor_manages_own_team_canned_replies_only(api, supervisor, team, other_team):
    client = api(supervisor)
    ok = client.post("/api/v1/canned-replies/", {"title": "t", "shortcut": "mine", "body": "b", "team": team.pk}, format="json")
    assert ok.status_code == 201
    assert client.post("/api/v1/canned-replies/", {"title": "t", "shortcut": "x", "body": "b", "team": other_team.pk}, format="json").status_code == 400
    assert client.post("/api/v1/canned-replies/", {"title": "t", "shortcut": "y", "body": "b"}, format="json").status_code == 400


ENDPOINTS = [
    ("get", "/api/v1/tickets/{id}/", None),
    ("patch", "/api/v1/tickets/{id}/", {"priority": "high"}),
    ("get", "/api/v1/tickets/{id}/messages/", None),
    ("post", "/api/v1/tickets/{id}/messages/", {"body": "hi"}),
    ("post", "/api/v1/tickets/{id}/assign/", {"assignee": None}),
    ("post", "/api/v1/tickets/{id}/claim/", {}),
    ("post", "/api/v1/tickets/{id}/transition/", {"status": "open"}),
    ("post", "/api/v1/tickets/{id}/escalate/", {"reason": "x"}),
    ("post", "/api/v1/tickets/{id}/transfer/", {"team": 1}),
    ("get", "/api/v1/tickets/{id}/events/", None),
    ("get", "/api/v1/tickets/{id}/tasks/", None),
    ("post", "/api/v1/tickets/{id}/tasks/", {"title": "t", "department": "warehouse"}),
    ("get", "/api/v1/tickets/{id}/remedies/", None),
    ("post", "/api/v1/tickets/{id}/remedies/", {"kind": "apology", "amount": "0"}),
    ("get", "/api/v1/tickets/{id}/attachments/", None),
    ("post", "/api/v1/tickets/{id}/merge/", {"into": 1}),
    ("get", "/tickets/{id}/", None),
]


@pytest.mark.parametrize("method,path,body", ENDPOINTS)
@pytest.mark.parametrize("role,sees", [("agent", False), ("supervisor", False), ("manager", True), ("assignee", True)])
def test_visibility_matrix(api, client, method, path, body, role, sees, team, other_team):
    supervisor = UserFactory(role=Role.SUPERVISOR, teams=[team])
    users = {
        "agent": UserFactory(role=Role.AGENT, teams=[team]),
        "supervisor": supervisor,
        "manager": UserFactory(role=Role.MANAGER),
        "assignee": UserFactory(role=Role.AGENT, teams=[team]),
    }
    foreign = TicketFactory(team=other_team, assignee=users["assignee"])
    url = path.format(id=foreign.pk)
    if body and "into" in body:
        body = {"into": TicketFactory(team=other_team, customer=foreign.customer).pk}
    if url.startswith("/api/"):
        response = getattr(api(users[role]), method)(url, body, format="json")
    else:
        client.force_login(users[role])
        response = getattr(client, method)(url)
    assert response.status_code < 500
    assert (response.status_code == 404) is (not sees)


def test_list_query_count_does_not_depend_on_page_size(api, agent, team, django_assert_num_queries):
    for _ in range(30):
        TicketFactory(team=team)
    client = api(agent)
    client.get("/api/v1/tickets/?page_size=5")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        client.get("/api/v1/tickets/?page_size=5")
    with CaptureQueriesContext(connection) as large:
        client.get("/api/v1/tickets/?page_size=30")
    assert len(small) == len(large)


def test_admin_pages_for_policies_open(client_for, admin_user):
    client = client_for(admin_user)
    for path in ("/admin/tickets/forbiddenphrase/", "/admin/tickets/cannedreply/", "/admin/tickets/remedylimit/",
                 "/admin/tickets/servicelanguagehit/", "/admin/tickets/remedy/", "/admin/tickets/internaltask/", "/admin/tickets/tag/"):
        assert client.get(path).status_code == 200, path


def test_detail_reads_sla_with_the_ticket(api, agent, team, django_assert_max_num_queries, sla_defaults):
    from tests.factories import CustomerFactory
    from tickets.services import ticket_create

    ticket = ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="SLA 详情", channel="email")
    client = api(agent)
    client.get(f"/api/v1/tickets/{ticket.pk}/")
    with django_assert_max_num_queries(3):  # teams, ticket with its SLA state and policy, timers (5 before)
        body = client.get(f"/api/v1/tickets/{ticket.pk}/").json()
    assert body["sla"]["policy"] and body["sla"]["targets"]["first_response"]["due_at"]


def test_three_remedies_of_499_do_not_pass_the_limit(api, agent, ticket):
    statuses = [api(agent).post(f"/api/v1/tickets/{ticket.pk}/remedies/", {"kind": "refund", "amount": "499"},
                                format="json").json()["status"] for _ in range(3)]
    assert statuses == ["approved", "awaiting_approval", "awaiting_approval"]


@pytest.mark.parametrize("body", [{"kind": "refund"}, {"kind": "refund", "amount": "0"}, {"kind": "coupon", "amount": "0.00"}])
def test_a_refund_without_an_amount_is_a_400(api, agent, ticket, body):
    response = api(agent).post(f"/api/v1/tickets/{ticket.pk}/remedies/", body, format="json")
    assert response.status_code == 400 and "amount" in response.json()
