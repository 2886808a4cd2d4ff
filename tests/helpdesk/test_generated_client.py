"""A Python client generated from /api/schema/ with openapi-python-client imports whole and drives an agent's workflow over HTTP."""

import importlib
import pkgutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.factories.helpdesk import PASSWORD
from tests.factories.orders import delivered_order
from tickets.models import Ticket

pytestmark = pytest.mark.django_db(transaction=True)
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def helpdesk_client(tmp_path, client_for, manager, monkeypatch):
    """Generate the client from the served schema into a temporary folder and import it as ``helpdesk_client``."""
    schema = client_for(manager).get("/api/schema/?format=json")
    assert schema.status_code == 200
    (tmp_path / "schema.json").write_bytes(schema.content)
    generated = subprocess.run(
        [GENERATOR, "generate", "--path", "schema.json", "--meta", "none", "--output-path", "helpdesk_client"],
        cwd=tmp_path, capture_output=True, text=True, env={"PATH": str(GENERATOR.parent)}, timeout=300)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    said = generated.stdout + generated.stderr
    warned = [line for line in said.splitlines() if line.startswith("WARNING parsing")]
    # The two operations whose bodies are not JSON: a raw e-mail in, a photo out.
    assert sorted(warned) == ["WARNING parsing GET /api/v1/returns/{id}/photos/{photo_id}/ within returns.",
                              "WARNING parsing POST /api/v1/inbound/email/ within inbound."], said
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module("helpdesk_client")
    for name in [name for name in sys.modules if name == "helpdesk_client" or name.startswith("helpdesk_client.")]:
        del sys.modules[name]


def test_every_generated_module_imports(helpdesk_client):
    names = [module.name for module in pkgutil.walk_packages(helpdesk_client.__path__, "helpdesk_client.")]
    for name in names:
        importlib.import_module(name)
    operations = [name for name in names if name.startswith("helpdesk_client.api.") and name.count(".") == 3]
    assert len(operations) > 100
    assert "helpdesk_client.api.tickets.tickets_list" in operations  # operations grouped by resource, no version prefix


def test_an_agent_works_a_complaint_through_the_generated_client(helpdesk_client, live_server, sla_defaults, agent, supervisor, team):
    from helpdesk_client import AuthenticatedClient, Client
    from helpdesk_client.api.auth import auth_token_create
    from helpdesk_client.api.kpi import kpi_summary
    from helpdesk_client.api.returns import returns_create
    from helpdesk_client.api.tickets import (
        tickets_claim_create, tickets_create, tickets_list, tickets_messages_create, tickets_remedies_create,
        tickets_retrieve, tickets_transition_create,
    )
    from helpdesk_client import models

    order = delivered_order(lines=((1, "299.00"),))

    with Client(base_url=live_server.url, raise_on_unexpected_status=True) as anonymous:
        refused = auth_token_create.sync_detailed(
            client=anonymous, body=models.TokenRequestRequest(username=agent.username, password="wrong-password"))
        assert refused.status_code == 400 and isinstance(refused.parsed, (models.FieldErrors, models.Error))
        token = auth_token_create.sync(client=anonymous, body=models.TokenRequestRequest(username=agent.username, password=PASSWORD))
    assert isinstance(token, models.Token) and token.token

    with AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True) as api:
        created = tickets_create.sync(client=api, body=models.TicketCreateRequest(
            subject="收到的杯子碎了", description="快递到的时候外箱破损，杯子碎了两只。", kind=models.TicketKindEnum.COMPLAINT,
            channel=models.TicketChannelEnum.EMAIL, customer=order.customer_id, order=order.pk, team=team.pk))
        assert isinstance(created, models.TicketDetail), created
        ticket_id = created.id

        page = tickets_list.sync(client=api, kind=models.TicketKindEnum.COMPLAINT, status=[models.TicketStatusEnum.NEW],
                                 q="杯子", page_size=10)
        assert isinstance(page, models.PaginatedTicketList)
        assert [row.id for row in page.results] == [ticket_id]
        bad_filter = tickets_list.sync_detailed(client=api, page_size=1000)
        assert bad_filter.status_code == 400 and "page_size" in bad_filter.parsed.additional_properties

        opened = tickets_retrieve.sync(ticket_id, client=api)
        assert opened.subject == "收到的杯子碎了" and opened.order == order.pk and opened.sla.targets.resolution.due_at

        claimed = tickets_claim_create.sync(ticket_id, client=api)
        assert claimed.assignee == agent.pk

        reply = tickets_messages_create.sync(ticket_id, client=api, body=models.TicketMessageCreateRequest(
            body="您好，非常抱歉给您带来不便。我们马上为您补发，并申请补偿。"))
        assert isinstance(reply, models.TicketMessage) and reply.sender == models.SenderEnum.AGENT

        moved = tickets_transition_create.sync(ticket_id, client=api, body=models.TransitionRequest(
            status=models.TicketStatusEnum.PENDING_CUSTOMER, note="等顾客确认补发地址"))
        assert moved.status == models.TicketStatusEnum.PENDING_CUSTOMER
        wrong_step = tickets_transition_create.sync_detailed(ticket_id, client=api, body=models.TransitionRequest(
            status=models.TicketStatusEnum.AWAITING_APPROVAL))
        assert wrong_step.status_code == 400

        remedy = tickets_remedies_create.sync(ticket_id, client=api, body=models.RemedyRequest(
            kind=models.RemedyKindEnum.COUPON, amount="20.00"))
        assert isinstance(remedy, models.Remedy) and Decimal(remedy.amount) == Decimal("20.00")

        filed = returns_create.sync(client=api, body=models.ReturnCreateRequest(
            order=order.pk, kind=models.ReturnKindEnum.RETURN, reason=models.ReasonEnum.DAMAGED,
            items=[models.ReturnItemInputRequest(order_item=order.items.get().pk, quantity=1)], ticket=ticket_id))
        assert isinstance(filed, models.ReturnRequest), filed
        assert filed.status == models.ReturnStatusEnum.SUBMITTED

        assert isinstance(kpi_summary.sync(client=api), models.Error)  # KPIs are the supervisor's

    with Client(base_url=live_server.url, raise_on_unexpected_status=True) as anonymous:
        token = auth_token_create.sync(client=anonymous, body=models.TokenRequestRequest(
            username=supervisor.username, password=PASSWORD))
    with AuthenticatedClient(base_url=live_server.url, token=token.token, prefix="Token", raise_on_unexpected_status=True) as api:
        summary = kpi_summary.sync(client=api, team=team.pk)
        assert isinstance(summary, models.KpiSummary), summary
        assert summary.metrics.additional_properties

    stored = Ticket.objects.get(pk=ticket_id)
    assert stored.status == Ticket.Status.PENDING_CUSTOMER and stored.assignee == agent
    assert stored.remedies.count() == 1 and stored.returns.count() == 1
