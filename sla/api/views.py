"""REST API of the SLA engine: a ticket's SLA block, force-majeure extend/pause/resume, complaint steps, notifications."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk.api.pagination import CursorPagination
from sla import services
from sla.api.serializers import (
    ComplaintStepSerializer,
    MarkedSerializer,
    NotificationSerializer,
    SLAExtendSerializer,
    SLAPauseSerializer,
    StepCompleteSerializer,
    TicketSLASerializer,
)
from sla.models import Notification
from sla.selectors import complaint_progress, notification_list_for_user, sla_block, sla_ticket_get_for_user
from tickets.models import Ticket
from tickets.services import ticket_step_complete

MAX_ID = 2**63 - 1  # larger path ids are 404, not a database range error


class TicketScopedViewSet(viewsets.ViewSet):
    """Endpoints below one ticket the user may see (404 otherwise)."""

    lookup_value_regex = r"\d+"

    def _ticket(self, pk) -> Ticket:
        if not 0 < int(pk) <= MAX_ID:
            raise Http404
        try:
            return sla_ticket_get_for_user(self.request.user, int(pk))
        except (Ticket.DoesNotExist, ValueError):
            raise Http404


class TicketSLAViewSet(TicketScopedViewSet):
    """A ticket's SLA deadlines; supervisors extend or pause them for force majeure (不可抗力)."""

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
        services.ticket_sla_extend(ticket=ticket, actor=request.user, minutes=data["minutes"], reason=data["reason"],
                                   target=data.get("target"))
        return self._answer(pk)

    @extend_schema(request=SLAPauseSerializer, responses=TicketSLASerializer, operation_id="tickets_sla_pause")
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        ticket = self._ticket(pk)
        data = _valid(SLAPauseSerializer, request)
        services.ticket_sla_pause(ticket=ticket, actor=request.user, reason=data["reason"])
        return self._answer(pk)

    @extend_schema(request=None, responses=TicketSLASerializer, operation_id="tickets_sla_resume")
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        ticket = self._ticket(pk)
        services.ticket_sla_resume(ticket=ticket, actor=request.user)
        return self._answer(pk)


class TicketStepsViewSet(TicketScopedViewSet):
    """A ticket's seven complaint steps with their deadlines; agents complete a step explicitly with a note."""

    def _answer(self, pk):
        return Response(ComplaintStepSerializer(complaint_progress(ticket=self._ticket(pk)), many=True).data)

    @extend_schema(responses=ComplaintStepSerializer(many=True), operation_id="tickets_steps_list")
    def list(self, request, pk=None):
        return self._answer(pk)

    @extend_schema(request=StepCompleteSerializer, responses=ComplaintStepSerializer(many=True),
                   operation_id="tickets_steps_complete")
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        if not request.user.has_perm("tickets.change_ticket"):
            raise PermissionDenied
        ticket = self._ticket(pk)
        data = _valid(StepCompleteSerializer, request)
        ticket_step_complete(ticket=ticket, actor=request.user, step=data["step"], note=data["note"])
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
            notification = services.notification_mark_read(user=request.user, notification_id=int(pk))
        except (Notification.DoesNotExist, ValueError):
            raise Http404
        return Response(NotificationSerializer(notification).data)

    @extend_schema(request=None, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        return Response({"marked": services.notification_mark_all_read(user=request.user)})


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data

