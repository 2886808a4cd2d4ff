import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.test import RequestFactory
from django.utils import timezone

from chat.models import ChatEvent, ChatSession
from customers.models import CustomerEvent, PiiReveal
from followups.models import CustomerMessage, FollowUpEvent, MessageEvent
from helpdesk.events import AppendOnlyModel, AuditEvent
from knowledge.models import ArticleEvent, TrainingAssignment, TrainingEvent, TrainingRecord
from orders.models import ReturnEvent, ReturnRequest
from reviews.models import Review, ReviewEvent
from tests.factories import (
    ArticleFactory, ChatWidgetFactory, CustomerFactory, FollowUpVisitFactory, OrderFactory, TicketFactory, UserFactory,
)
from tickets.models import TicketEvent

CONTRACT = {"actor", "kind", "note", "created_at"}
EVENT_TABLES = {TicketEvent, ChatEvent, CustomerEvent, FollowUpEvent, MessageEvent, ReturnEvent, ArticleEvent,
                ReviewEvent, TrainingEvent}


def _field_names(model) -> set[str]:
    return {field.name for field in model._meta.get_fields()}


def _event(model, *, actor=None):
    """Create one event row of the table, with the object it belongs to."""
    if model is TicketEvent:
        return TicketEvent.objects.create(ticket=TicketFactory(), kind="note", actor=actor, note="记录")
    if model is ChatEvent:
        widget = ChatWidgetFactory()
        session = ChatSession.objects.create(widget=widget, team=widget.team)
        return ChatEvent.objects.create(session=session, team=widget.team, kind="created", actor=actor, note="记录")
    if model is CustomerEvent:
        return CustomerEvent.objects.create(customer=CustomerFactory(), kind="updated", actor=actor, note="记录")
    if model is ArticleEvent:
        return ArticleEvent.objects.create(article=ArticleFactory(), kind="created", actor=actor, note="记录")
    if model is FollowUpEvent:
        return FollowUpEvent.objects.create(visit=FollowUpVisitFactory(), kind="no_answer", actor=actor, note="记录")
    if model is MessageEvent:
        message = CustomerMessage.objects.create(customer=CustomerFactory(), channel="sms", recipient="13800000000", body="您好")
        return MessageEvent.objects.create(message=message, kind="sent", actor=actor, note="记录")
    if model is TrainingEvent:
        assignment = TrainingAssignment.objects.create(title="退货政策", due_on=timezone.localdate(),
                                                       created_by=UserFactory())
        record = TrainingRecord.objects.create(assignment=assignment, agent=UserFactory())
        return TrainingEvent.objects.create(record=record, kind="assigned", actor=actor, note="记录")
    if model is ReviewEvent:
        review = Review.objects.create(shop="旗舰店", platform_review_id="EVENT-1", rating=5, reviewed_at=timezone.now())
        return ReviewEvent.objects.create(review=review, kind="received", actor=actor, note="记录")
    order = OrderFactory()
    ret = ReturnRequest.objects.create(number="R-EVENT-1", order=order, customer=order.customer, reason="quality")
    return ReturnEvent.objects.create(return_request=ret, kind="note", actor=actor, note="记录")


def test_every_table_with_actor_kind_note_and_time_is_an_audit_event():
    found = {model for model in apps.get_models() if CONTRACT <= _field_names(model)}
    assert found == EVENT_TABLES
    for model in found:
        assert issubclass(model, AuditEvent), model


@pytest.mark.parametrize("model", sorted(EVENT_TABLES, key=str), ids=lambda model: model.__name__)
def test_each_event_table_keeps_the_contract_fields(model):
    actor = model._meta.get_field("actor")
    assert actor.remote_field.model._meta.label == settings.AUTH_USER_MODEL
    assert actor.remote_field.on_delete is models.SET_NULL and actor.null
    assert isinstance(model._meta.get_field("kind"), models.CharField) and model._meta.get_field("kind").choices
    assert isinstance(model._meta.get_field("note"), models.TextField)
    assert model._meta.get_field("created_at").auto_now_add


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(EVENT_TABLES, key=str), ids=lambda model: model.__name__)
def test_each_event_table_is_append_only(model):
    event = _event(model)
    rows = model.objects.filter(pk=event.pk)
    event.note = "改掉"
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.save(update_fields=["note"])
    with pytest.raises(PermissionDenied):
        event.delete()
    with pytest.raises(PermissionDenied):
        rows.update(note="改掉")
    with pytest.raises(PermissionDenied):
        rows.delete()
    with pytest.raises(PermissionDenied):
        model.objects.all().delete()
    with pytest.raises(PermissionDenied):
        model.objects.bulk_update([event], ["note"])
    fresh = model(pk=event.pk, kind=event.kind, note="改掉", **{
        field.attname: getattr(event, field.attname) for field in model._meta.concrete_fields
        if field.is_relation and field.name != "actor"})
    with pytest.raises(IntegrityError), transaction.atomic():
        fresh.save()
    assert rows.values_list("note", flat=True).get() == "记录"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [TicketEvent, ReturnEvent], ids=lambda model: model.__name__)
def test_events_refuse_changes_through_their_owner_too(model):
    event = _event(model)
    owner = event.ticket if model is TicketEvent else event.return_request
    with pytest.raises(PermissionDenied):
        owner.events.update(note="改掉")
    with pytest.raises(PermissionDenied):
        owner.events.all().delete()
    assert model.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("model", sorted(EVENT_TABLES, key=str), ids=lambda model: model.__name__)
def test_deleting_the_actor_keeps_the_event_without_one(model):
    actor = UserFactory()
    event = _event(model, actor=actor)
    actor.delete()
    assert model.objects.filter(pk=event.pk).values_list("actor_id", flat=True).get() is None


@pytest.mark.django_db
def test_events_go_with_what_they_belong_to():
    event = _event(TicketEvent)
    event.ticket.delete()
    assert not TicketEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_personal_data_reveals_share_the_append_only_contract():
    assert issubclass(PiiReveal, AppendOnlyModel)
    reveal = PiiReveal.objects.create(viewer=UserFactory(), customer=CustomerFactory(), field="phone", reason="回电")
    with pytest.raises(PermissionDenied):
        PiiReveal.objects.filter(pk=reveal.pk).update(reason="改掉")


def _admins_showing_events():
    """Yield every admin class and inline of the admin site whose rows are audit events."""
    for model in apps.get_models():
        if not admin.site.is_registered(model):
            continue
        model_admin = admin.site.get_model_admin(model)
        if issubclass(model, AuditEvent):
            yield model_admin
        for inline in model_admin.inlines:
            if issubclass(inline.model, AuditEvent):
                yield inline(model, admin.site)


@pytest.mark.django_db
def test_admin_shows_event_rows_read_only():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_superuser=True, is_staff=True)
    shown = list(_admins_showing_events())
    assert {each.model for each in shown} >= {TicketEvent, ChatEvent, ReturnEvent}
    for each in shown:
        assert not each.has_add_permission(request, None), each
        assert not each.has_change_permission(request, None), each
        assert not each.has_delete_permission(request, None), each
        assert each.has_view_permission(request, None), each


def test_an_events_kind_label_is_its_display_without_translating_every_label():
    from tickets.models import TicketEvent

    for kind in TicketEvent.Kind.values:
        event = TicketEvent(kind=kind)
        assert event.kind_label == event.get_kind_display()
    assert TicketEvent(kind="no-such-kind").kind_label == "no-such-kind"
