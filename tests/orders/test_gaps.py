"""Issue 6 gaps: team scope of orders, return photos, tickets about orders, remedy hand-over, deadline warnings."""

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from orders import services, tasks
from orders.models import ReturnDeadline, ReturnEvent, ReturnRequest, ShopTeam
from tests.factories import TeamFactory, TicketFactory, UserFactory
from tests.factories.orders import delivered_order
from tickets.models import Remedy, TicketEvent
from tickets.services import remedy_record_agreement

pytestmark = pytest.mark.django_db
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200


def apply(order, **kwargs):
    return services.return_request_create(order=order, kind="return", reason="no_reason",
                                          items=[(order.items.first().pk, 1)], **kwargs)


# --- orders scoped to an agent's teams -------------------------------------------------------------------------------

def test_agents_see_orders_of_shops_their_teams_serve_and_of_unassigned_shops(api_client, agent, team, other_team, manager):
    ours, theirs, nobody = (delivered_order(shop="天猫旗舰店"), delivered_order(shop="京东自营"), delivered_order(shop="抖音小店"))
    ShopTeam.objects.create(shop="天猫旗舰店", team=team)
    ShopTeam.objects.create(shop="京东自营", team=other_team)
    ret_theirs = apply(theirs)
    api_client.force_authenticate(agent)
    seen = {row["id"] for row in api_client.get("/api/v1/orders/").json()["results"]}
    assert seen == {ours.pk, nobody.pk}
    assert api_client.get(f"/api/v1/orders/{theirs.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/returns/{ret_theirs.pk}/").status_code == 404
    # A ticket of the agent's team about the other shop's order opens it to them.
    TicketFactory(customer=theirs.customer, order=theirs, team=team)
    assert api_client.get(f"/api/v1/orders/{theirs.pk}/").status_code == 200
    assert api_client.get(f"/api/v1/returns/{ret_theirs.pk}/").status_code == 200
    api_client.force_authenticate(manager)
    assert len(api_client.get("/api/v1/orders/").json()["results"]) == 3


def test_order_page_of_another_teams_shop_is_404(client_for, agent, other_team):
    order = delivered_order(shop="京东自营")
    ShopTeam.objects.create(shop="京东自营", team=other_team)
    assert client_for(agent).get(f"/orders/{order.pk}/").status_code == 404


# --- photos of return requests ----------------------------------------------------------------------------------------

def test_photo_upload_type_and_size_limits_listing_and_checked_download(api_client, agent, other_team, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ret = apply(delivered_order(shop="天猫旗舰店"))
    api_client.force_authenticate(agent)
    url = f"/api/v1/returns/{ret.pk}/photos/"
    ok = api_client.post(url, {"file": SimpleUploadedFile("破损.jpg", JPEG, "image/jpeg")}, format="multipart")
    assert ok.status_code == 201, ok.content
    assert ok.json()["content_type"] == "image/jpeg"
    fake = api_client.post(url, {"file": SimpleUploadedFile("x.jpg", b"<html>not an image</html>", "image/jpeg")},
                           format="multipart")
    assert fake.status_code == 400 and "file" in fake.json()
    from orders import photos

    big = api_client.post(url, {"file": SimpleUploadedFile("big.png", PNG + b"\x00" * photos.MAX_PHOTO_BYTES, "image/png")},
                          format="multipart")
    assert big.status_code == 400 and "file" in big.json()
    assert api_client.post(url, {}, format="multipart").status_code == 400
    listed = api_client.get(f"/api/v1/returns/{ret.pk}/").json()["photos"]
    assert [p["id"] for p in listed] == [ok.json()["id"]]
    download = api_client.get(listed[0]["url"])
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"
    assert b"".join(download.streaming_content) == JPEG
    assert download["X-Content-Type-Options"] == "nosniff"
    # Someone whose teams do not serve the shop cannot fetch it, nor guess another request's photo.
    ShopTeam.objects.create(shop="天猫旗舰店", team=other_team)
    outsider = UserFactory(username="t-outsider", role="Agent", teams=[TeamFactory(name="第三组", code="third")])
    api_client.force_authenticate(outsider)
    assert api_client.get(listed[0]["url"]).status_code == 404
    other = apply(delivered_order())
    api_client.force_authenticate(agent)
    assert api_client.get(f"/api/v1/returns/{other.pk}/photos/{listed[0]['id']}/").status_code == 404


# --- a ticket about an order ------------------------------------------------------------------------------------------

def test_open_a_ticket_about_an_order_from_the_api_and_the_page(api_client, client_for, agent, team):
    order = delivered_order()
    api_client.force_authenticate(agent)
    response = api_client.post(f"/api/v1/orders/{order.pk}/tickets/", {"subject": "快递破损"}, format="json")
    assert response.status_code == 201, response.content
    from tickets.models import Ticket

    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.order_id == order.pk and ticket.customer_id == order.customer_id and ticket.team_id == team.pk
    assert api_client.post(f"/api/v1/orders/{order.pk}/tickets/", {"subject": ""}, format="json").status_code == 400
    page = client_for(agent).post(f"/orders/{order.pk}/ticket/", {"subject": "再次咨询"})
    assert page.status_code == 302 and page["Location"].startswith("/tickets/")
    assert Ticket.objects.filter(order=order).count() == 2


# --- refund/exchange remedy hands over to the returns flow ------------------------------------------------------------

def test_agreed_refund_remedy_starts_a_return_recorded_on_both_sides(agent):
    order = delivered_order()
    ticket = TicketFactory(customer=order.customer, order=order, kind="complaint")
    remedy = Remedy.objects.create(ticket=ticket, kind="refund", amount=Decimal("50"), status="approved", proposed_by=agent)
    remedy_record_agreement(remedy=remedy, actor=agent)
    ret = ReturnRequest.objects.get(remedy=remedy)
    assert ret.ticket_id == ticket.pk and ret.order_id == order.pk and ret.kind == "refund_only"
    assert TicketEvent.objects.filter(ticket=ticket, kind="note", to_value=ret.number).exists()
    # Agreeing again is refused by the ticket workflow; the hand-over itself is idempotent.
    assert services.return_request_for_remedy(remedy=remedy, actor=agent) == ret


def test_agreed_exchange_remedy_links_the_open_return_of_the_order(agent):
    order = delivered_order()
    existing = apply(order)
    ticket = TicketFactory(customer=order.customer, order=order)
    remedy = Remedy.objects.create(ticket=ticket, kind="exchange", status="approved", proposed_by=agent)
    remedy_record_agreement(remedy=remedy, actor=agent)
    existing.refresh_from_db()
    assert existing.remedy_id == remedy.pk and existing.ticket_id == ticket.pk
    assert existing.events.filter(kind=ReturnEvent.Kind.NOTE).exists()
    assert ReturnRequest.objects.count() == 1


def test_remedy_on_an_undelivered_order_notes_why_no_return_was_started(agent):
    order = delivered_order()
    order.status, order.delivered_at = "shipped", None
    order.save()
    ticket = TicketFactory(customer=order.customer, order=order)
    remedy = Remedy.objects.create(ticket=ticket, kind="refund", amount=Decimal("10"), status="approved", proposed_by=agent)
    remedy_record_agreement(remedy=remedy, actor=agent)
    remedy.refresh_from_db()
    assert remedy.status == "agreed" and not ReturnRequest.objects.exists()
    assert TicketEvent.objects.filter(ticket=ticket, kind="note", note__contains=order.number).exists()


def test_coupon_remedy_does_not_touch_returns(agent):
    order = delivered_order()
    ticket = TicketFactory(customer=order.customer, order=order)
    remedy = Remedy.objects.create(ticket=ticket, kind="coupon", amount=Decimal("5"), status="approved", proposed_by=agent)
    remedy_record_agreement(remedy=remedy, actor=agent)
    assert not ReturnRequest.objects.exists()


# --- warnings before a step deadline ----------------------------------------------------------------------------------

def test_warning_before_the_confirm_deadline_once_then_breach(agent, supervisor, team):
    order = delivered_order()
    ticket = TicketFactory(customer=order.customer, order=order, team=team, assignee=agent)
    start = timezone.now()
    ret = apply(order, ticket=ticket)
    confirm = ret.deadlines.get(step="confirm")
    assert confirm.warn_at == confirm.started_at + (confirm.due_at - confirm.started_at) * 0.8
    with time_machine.travel(start + timedelta(hours=10), tick=False):
        assert tasks.return_deadline_sweep_due() == 0
    with time_machine.travel(start + timedelta(hours=20), tick=False):
        assert services.return_deadline_mark_warned(deadline_id=confirm.pk)
        assert not services.return_deadline_mark_warned(deadline_id=confirm.pk)  # once
    confirm.refresh_from_db()
    assert confirm.warned_at and not confirm.breached_at
    assert ret.events.filter(kind=ReturnEvent.Kind.WARNING, is_public=False).count() == 1
    from sla.models import Notification

    assert Notification.objects.filter(recipient=agent, ticket=ticket).count() == 1
    with time_machine.travel(start + timedelta(hours=25), tick=False):
        assert services.return_deadline_mark_breached(deadline_id=confirm.pk)


def test_sweeper_enqueues_warnings_for_close_deadlines(agent, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from helpdesk.celery import app

    app.conf.task_always_eager = True
    try:
        start = timezone.now()
        ret = apply(delivered_order())
        with time_machine.travel(start + timedelta(hours=20), tick=False):
            tasks.return_deadline_sweep_due()
        assert ReturnDeadline.objects.get(return_request=ret, step="confirm").warned_at is not None
    finally:
        app.conf.task_always_eager = False


def test_extension_clears_the_warning(agent):
    supervisor = UserFactory(role="Supervisor", username="t-sup2")
    ret = services.return_request_approve(return_request=apply(delivered_order()), actor=agent)
    pickup = ret.deadlines.get(step="pickup")
    ReturnDeadline.objects.filter(pk=pickup.pk).update(warned_at=timezone.now())
    deadline = services.return_request_extend(return_request=ret, actor=supervisor, step="pickup", days=2, reason="台风")
    assert deadline.warned_at is None and deadline.warn_at > pickup.warn_at


def test_return_page_links_photos_through_the_checked_view(client_for, agent, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    ret = apply(delivered_order())
    photo = services.return_photo_add(return_request=ret, actor=agent, upload=SimpleUploadedFile("p.png", PNG, "image/png"))
    client = client_for(agent)
    page = client.get(f"/returns/{ret.pk}/").content.decode()
    link = f"/returns/{ret.pk}/photos/{photo.pk}/"
    assert link in page and photo.file.url not in page
    response = client.get(link)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert client.get(f"/returns/{ret.pk}/photos/{photo.pk + 999}/").status_code == 404
