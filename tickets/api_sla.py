"""REST API of the SLA engine: a ticket's SLA block, force-majeure extend/pause/resume, notifications.

Kept apart from ``tickets/api/`` (the ticket endpoints); included from ``helpdesk/urls.py``.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.urls import path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response

from tickets import sla
from tickets.models import Notification, Ticket, TicketSLATimer
from tickets.sla_selectors import notification_list_for_user, sla_block, sla_ticket_get_for_user
from tickets.notifications import notification_mark_all_read, notification_mark_read


MAX_ID = 2**63 - 1  # larger path ids are 404, not a database range error


class SLATargetSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField(allow_null=True)
    met_at = serializers.DateTimeField(allow_null=True)
    breached_at = serializers.DateTimeField(allow_null=True, help_text=_("Set while the current deadline is breached."))
    first_breached_at = serializers.DateTimeField(
        allow_null=True, help_text=_("The first breach, kept after an extension moved the deadline ahead (still a breach in the KPI)."),
    )
    warning_at = serializers.DateTimeField(allow_null=True)
    paused_at = serializers.DateTimeField(allow_null=True)
    is_excused = serializers.BooleanField()
    problem = serializers.CharField(help_text=_("Why no deadline could be computed (e.g. a year without holiday data)."))


class SLATargetsSerializer(serializers.Serializer):
    first_response = SLATargetSerializer(allow_null=True)
    next_response = SLATargetSerializer(allow_null=True)
    resolution = SLATargetSerializer(allow_null=True)


class TicketSLASerializer(serializers.Serializer):
    """The ``sla`` block of a ticket; ``TicketSLASerializer(sla_block(ticket)).data``."""

    policy = serializers.CharField(allow_null=True)
    paused = serializers.BooleanField()
    held_reason = serializers.CharField()
    targets = SLATargetsSerializer()


class SLAExtendSerializer(serializers.Serializer):
    minutes = serializers.IntegerField(min_value=1, max_value=60 * 24 * 30,
                                       help_text=_("Minutes of each target's measure (business or calendar)."))
    reason = serializers.CharField(min_length=2, max_length=200)
    target = serializers.ChoiceField(choices=TicketSLATimer.Target.choices, required=False, allow_null=True)


class SLAPauseSerializer(serializers.Serializer):
    reason = serializers.CharField(min_length=2, max_length=200)


class NotificationSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", allow_null=True, read_only=True)

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "ticket", "ticket_number", "created_at", "read_at"]


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()


class TicketSLAViewSet(viewsets.ViewSet):
    """A ticket's SLA deadlines; supervisors extend or pause them for force majeure (不可抗力)."""

    lookup_value_regex = r"\d+"

    def _ticket(self, pk) -> Ticket:
        if not 0 < int(pk) <= MAX_ID:
            raise Http404
        try:
            return sla_ticket_get_for_user(self.request.user, int(pk))
        except (Ticket.DoesNotExist, ValueError):
            raise Http404

    def _answer(self, pk):
        return Response(TicketSLASerializer(sla_block(self._ticket(pk))).data)

    @extend_schema(responses=TicketSLASerializer, operation_id="tickets_sla_retrieve")
    def retrieve(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(request=SLAExtendSerializer, responses=TicketSLASerializer, operation_id="tickets_sla_extend")
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        ticket = self._ticket(pk)
        data = _valid(SLAExtendSerializer, request)
        _as_drf(sla.ticket_sla_extend, ticket=ticket, actor=request.user, minutes=data["minutes"],
                reason=data["reason"], target=data.get("target"))
        return self._answer(pk)

    @extend_schema(request=SLAPauseSerializer, responses=TicketSLASerializer, operation_id="tickets_sla_pause")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        ticket = self._ticket(pk)
        data = _valid(SLAPauseSerializer, request)
        _as_drf(sla.ticket_sla_pause, ticket=ticket, actor=request.user, reason=data["reason"])
        return self._answer(pk)

    @extend_schema(request=None, responses=TicketSLASerializer, operation_id="tickets_sla_resume")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        ticket = self._ticket(pk)
        _as_drf(sla.ticket_sla_resume, ticket=ticket, actor=request.user)
        return self._answer(pk)


class NotificationPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class NotificationViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The signed-in user's in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    pagination_class = NotificationPagination

    queryset = Notification.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Notification.objects.none()
        return notification_list_for_user(self.request.user)

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        if not 0 < int(pk) <= MAX_ID:
            raise Http404
        try:
            notification = notification_mark_read(user=request.user, notification_id=int(pk))
        except (Notification.DoesNotExist, ValueError):
            raise Http404
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": notification_mark_all_read(user=request.user)})


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def _as_drf(service, **kwargs):
    try:
        return service(**kwargs)
    except DjangoPermissionDenied as exc:
        raise PermissionDenied(str(exc))


sla_view = TicketSLAViewSet.as_view({"get": "retrieve"})
urlpatterns = [
    path("tickets/<int:pk>/sla/", sla_view, name="ticket-sla"),
    path("tickets/<int:pk>/sla/extend/", TicketSLAViewSet.as_view({"post": "extend"}), name="ticket-sla-extend"),
    path("tickets/<int:pk>/sla/pause/", TicketSLAViewSet.as_view({"post": "pause"}), name="ticket-sla-pause"),
    path("tickets/<int:pk>/sla/resume/", TicketSLAViewSet.as_view({"post": "resume"}), name="ticket-sla-resume"),
    path("notifications/", NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    path("notifications/read-all/", NotificationViewSet.as_view({"post": "read_all"}), name="notification-read-all"),
    path("notifications/<int:pk>/read/", NotificationViewSet.as_view({"post": "read"}), name="notification-read"),
]
