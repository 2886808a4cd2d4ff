from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from helpdesk.api.pagination import CursorPagination
from helpdesk.models import Team
from helpdesk.roles import RANK, Role, primary_role
from helpdesk.teams import team_ids_for_user
from tickets import presence, services
from tickets.bulk import tickets_bulk_apply
from tickets.api import serializers as s
from tickets.attachments import DOWNLOAD_TYPES, attachment_response
from tickets.filters import VIEW_CHOICES, InternalTaskFilterSet, TicketFilterSet
from tickets.models import InternalTask, Remedy, SavedView, Ticket, TicketMessage
from tickets.privacy import ticket_text_reveal
from tickets.selectors import (
    VIEW_COUNT_CAP,
    canned_replies_for,
    canned_replies_for_management,
    internal_task_list_for_user,
    saved_views_for_user,
    ticket_events,
    ticket_get_for_user,
    ticket_list_for_user,
    ticket_message_get,
    ticket_thread,
    ticket_view_counts,
    ticket_view_counts_forget,
)


class TicketCursorPagination(CursorPagination):
    """Newest activity first; ``?ordering=sla_due`` lists tickets with a running deadline, due soonest first."""

    ordering = "-updated_at"
    orderings = {"sla_due": ("sla_due", "id")}


class ThreadCursorPagination(CursorPagination):
    ordering = ("created_at", "id")
    page_size = 50
    max_page_size = 200


class TicketPermission(permissions.BasePermission):
    """View needs tickets.view_ticket; writes need add/change; merging and approving their own permissions."""

    needs = {"create": "tickets.add_ticket"}
    # Checked once the ticket is found, so a ticket out of scope stays a 404.
    object_needs = {"merge": "tickets.merge_ticket", "remedy_approve": "tickets.approve_remedy",
                    "remedy_reject": "tickets.approve_remedy"}

    # Writes that anyone who sees the ticket may make: saying one is looking at it.
    viewer_writes = {"presence"}

    def has_permission(self, request, view):
        user = request.user
        if not user.has_perm("tickets.view_ticket"):
            return False
        needed = self.needs.get(view.action)
        if needed is None and request.method not in permissions.SAFE_METHODS and view.action not in self.viewer_writes:
            needed = "tickets.change_ticket"
        return needed is None or user.has_perm(needed)

    def has_object_permission(self, request, view, obj):
        needed = self.object_needs.get(view.action)
        return needed is None or request.user.has_perm(needed)


class TicketViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.RetrieveModelMixin,
                    mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Tickets the requesting user may see; actions change status, assignee, team and escalation."""

    permission_classes = [permissions.IsAuthenticated, TicketPermission]
    filterset_class = TicketFilterSet
    pagination_class = TicketCursorPagination
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = ticket_list_for_user(user=self.request.user).prefetch_related("tags")
        if self.action == "list" and self.request.query_params.get("ordering") == "sla_due":
            from sla.filters import ticket_annotate_sla_due  # the SLA app builds on tickets: imported when used

            queryset = ticket_annotate_sla_due(queryset).filter(sla_due__isnull=False)
        return queryset

    def get_object(self):
        ticket = ticket_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        self.check_object_permissions(self.request, ticket)
        return ticket

    def retrieve(self, request, *args, **kwargs):
        ticket = ticket_get_for_user(user=request.user, pk=self.kwargs["pk"], with_sla=True)
        self.check_object_permissions(request, ticket)
        return Response(s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data)

    def get_serializer_class(self):
        return {"retrieve": s.TicketDetailSerializer, "create": s.TicketCreateSerializer,
                "partial_update": s.TicketUpdateSerializer}.get(self.action, s.TicketSerializer)

    def _detail(self, ticket, code=status.HTTP_200_OK):
        # After an unassign or a transfer the ticket may have left the user's scope; they still see the result.
        ticket = Ticket.objects.select_related("customer", "team", "assignee", "category", "order").get(pk=ticket.pk)
        return Response(s.TicketDetailSerializer(ticket, context=self.get_serializer_context()).data, status=code)

    def _validated(self, serializer_class, **kwargs):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context(), **kwargs)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.TicketCreateSerializer, responses={201: s.TicketDetailSerializer})
    def create(self, request, *args, **kwargs):
        data = self._validated(s.TicketCreateSerializer)
        user = request.user
        manager = RANK.get(primary_role(user), 0) >= RANK[Role.MANAGER]
        team = data.get("team")
        my_teams = team_ids_for_user(user=user)
        if team is None:
            if not my_teams:
                raise exceptions.ValidationError({"team": [_("You belong to no team; choose one.")]})
            team = Team.objects.get(pk=my_teams[0])
        elif not manager and team.pk not in my_teams:
            raise exceptions.ValidationError({"team": [_("You can only open tickets for your own teams.")]})
        contact = data.get("customer_contact")
        customer = data.get("customer") or services.customer_find_or_create(actor=user, **contact)
        ticket = services.ticket_create(
            actor=user, customer=customer, team=team, subject=data["subject"],
            description=data.get("description", ""), kind=data["kind"], channel=data["channel"],
            priority=data["priority"], category=data.get("category"), order=data.get("order"),
        )
        ticket_view_counts_forget(user_ids=[user.pk])
        return self._detail(ticket, status.HTTP_201_CREATED)

    @extend_schema(request=s.TicketUpdateSerializer, responses={200: s.TicketDetailSerializer})
    def partial_update(self, request, *args, **kwargs):
        ticket = self.get_object()
        data = self._validated(s.TicketUpdateSerializer)
        services.ticket_update(ticket=ticket, actor=request.user, **data)
        return self._detail(ticket)

    @extend_schema(exclude=True)
    def update(self, request, *args, **kwargs):
        raise exceptions.MethodNotAllowed(request.method)

    @extend_schema(methods=["get"], responses=s.TicketMessageSerializer(many=True))
    @extend_schema(methods=["post"], request=s.TicketMessageCreateSerializer, responses={
        201: s.TicketMessageSerializer, 400: OpenApiResponse(description="Invalid body, or the service-language check flagged phrases (service_language)"),
        409: OpenApiResponse(s.NewerMessagesSerializer, description="Public messages arrived after after_message; nothing was sent")})
    @action(detail=True, methods=["get", "post"], pagination_class=ThreadCursorPagination, filterset_class=None)
    def messages(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            page = self.paginate_queryset(ticket_thread(ticket=ticket))
            return self.get_paginated_response(s.TicketMessageSerializer(page, many=True, context=self.get_serializer_context()).data)
        data = self._validated(s.TicketMessageCreateSerializer)
        if not data["internal"] and not data["confirm_language"]:
            flagged = services.service_language_check(ticket=ticket, actor=request.user, body=data["body"])
            if flagged:
                raise exceptions.ValidationError({
                    "body": [_("The reply contains phrases to avoid; send with confirm_language=true to send anyway.")],
                    "service_language": [{"phrase": p.phrase, "suggestion": p.suggestion} for p in flagged],
                })
        message = services.ticket_message_add(ticket=ticket, actor=request.user, body=data["body"],
                                              sender=TicketMessage.Sender.AGENT, is_internal=data["internal"],
                                              after_message=data.get("after_message"))
        return Response(s.TicketMessageSerializer(message, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses=s.TicketPresenceSerializer(many=True))
    @extend_schema(methods=["post"], request=s.TicketPresenceReportSerializer,
                   responses=s.TicketPresenceSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def presence(self, request, pk=None):
        """Return who else is viewing or replying to the ticket now; POST reports the caller's own state first."""
        ticket = self.get_object()
        if request.method == "POST":
            data = self._validated(s.TicketPresenceReportSerializer)
            presence.ticket_presence_report(ticket=ticket, user=request.user, state=data["state"])
        return Response(s.TicketPresenceSerializer(presence.ticket_presence_others(ticket=ticket, viewer=request.user),
                                                   many=True).data)

    @extend_schema(request=s.TextRevealRequestSerializer, responses={
        200: s.TextRevealSerializer, 400: OpenApiResponse(description="No reason, or no such message on this ticket"),
        403: OpenApiResponse(description="The privacy policy forbids agents to reveal"),
        429: OpenApiResponse(description="The hourly reveal limit is reached; a supervisor reveals")})
    @action(detail=True, methods=["post"], filterset_class=None)
    def reveal(self, request, pk=None):
        """Return one message's text (or the description or subject) in clear, with a reason; audited like every reveal."""
        ticket = self.get_object()
        data = self._validated(s.TextRevealRequestSerializer)
        message = None
        if data.get("message") is not None:
            message = ticket_message_get(ticket=ticket, pk=data["message"])
            if message is None:
                raise exceptions.ValidationError({"message": [_("This ticket has no such message.")]})
        body = ticket_text_reveal(viewer=request.user, ticket=ticket, message=message, reason=data["reason"],
                                  part=data["part"])
        return Response({"message": message.pk if message else None, "body": body})

    @extend_schema(request=s.AssignSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request, pk=None):
        ticket = self.get_object()
        data = self._validated(s.AssignSerializer)
        ticket = services.ticket_assign(ticket=ticket, actor=request.user, assignee=data["assignee"])
        ticket_view_counts_forget(user_ids=[request.user.pk, ticket.assignee_id])
        return self._detail(ticket)

    @extend_schema(request=None, responses={200: s.TicketDetailSerializer, 409: OpenApiResponse(description="Claimed by someone else")})
    @action(detail=True, methods=["post"], filterset_class=None)
    def claim(self, request, pk=None):
        ticket = self.get_object()
        ticket = services.ticket_claim(ticket=ticket, actor=request.user)
        ticket_view_counts_forget(user_ids=[request.user.pk])
        return self._detail(ticket)

    @extend_schema(request=s.TransitionSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def transition(self, request, pk=None):
        ticket = self.get_object()
        data = self._validated(s.TransitionSerializer)
        ticket = services.ticket_transition(ticket=ticket, actor=request.user, status=data["status"], note=data["note"])
        return self._detail(ticket)

    @extend_schema(request=s.EscalateSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def escalate(self, request, pk=None):
        ticket = self.get_object()
        data = self._validated(s.EscalateSerializer)
        ticket = services.ticket_escalate(ticket=ticket, actor=request.user, reason=data["reason"],
                                          level=data.get("level", ""))
        ticket_view_counts_forget(user_ids=[ticket.escalated_to_id])
        return self._detail(ticket)

    @extend_schema(request=s.TransferSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def transfer(self, request, pk=None):
        ticket = self.get_object()
        data = self._validated(s.TransferSerializer)
        ticket = services.ticket_transfer(ticket=ticket, actor=request.user, team=data["team"], note=data["note"])
        return self._detail(ticket)

    @extend_schema(request=s.MergeSerializer, responses=s.TicketDetailSerializer)
    @action(detail=True, methods=["post"], filterset_class=None)
    def merge(self, request, pk=None):
        source = self.get_object()
        data = self._validated(s.MergeSerializer)
        target = ticket_get_for_user(user=request.user, pk=data["into"])
        target = services.ticket_merge(source=source, target=target, actor=request.user)
        return self._detail(target)

    @extend_schema(request=s.BulkRequestSerializer, responses={
        200: s.BulkResultSerializer, 400: OpenApiResponse(description="Bad tickets, action or value (field errors)"),
        403: OpenApiResponse(description="Merging needs tickets.merge_ticket")})
    @action(detail=False, methods=["post"], pagination_class=None, filterset_class=None)
    def bulk(self, request):
        """Apply one action to up to 100 tickets; each is changed or skipped with its reason, on its own."""
        data = self._validated(s.BulkRequestSerializer)
        result = tickets_bulk_apply(actor=request.user, ticket_ids=data["tickets"], action=data["action"],
                                    value=data["value"])
        return Response(s.BulkResultSerializer(result).data)

    @extend_schema(responses=s.TicketEventSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=ThreadCursorPagination, filterset_class=None)
    def events(self, request, pk=None):
        ticket = self.get_object()
        page = self.paginate_queryset(ticket_events(ticket=ticket))
        return self.get_paginated_response(s.TicketEventSerializer(page, many=True, context=self.get_serializer_context()).data)

    @extend_schema(methods=["get"], responses=s.AttachmentSerializer(many=True))
    @extend_schema(methods=["post"], request={"multipart/form-data": s.AttachmentUploadSerializer}, responses={201: s.AttachmentSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None,
            parser_classes=[MultiPartParser])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            return Response(s.AttachmentSerializer(ticket.attachments.all(), many=True, context=self.get_serializer_context()).data)
        data = self._validated(s.AttachmentUploadSerializer)
        attachment = services.ticket_attachment_add(ticket=ticket, actor=request.user, upload=data["file"])
        return Response(s.AttachmentSerializer(attachment, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={**{(200, content_type): OpenApiTypes.BINARY for content_type in DOWNLOAD_TYPES},
                              404: OpenApiResponse(description="Not found")})
    @action(detail=True, methods=["get"], url_path=r"attachments/(?P<attachment_id>[0-9]{1,18})",
            url_name="attachment-download", pagination_class=None, filterset_class=None)
    def attachment_download(self, request, pk=None, attachment_id=None):
        ticket = self.get_object()
        attachment = get_object_or_404(ticket.attachments.all(), pk=attachment_id)
        return attachment_response(attachment)

    @extend_schema(methods=["get"], responses=s.InternalTaskSerializer(many=True))
    @extend_schema(methods=["post"], request=s.InternalTaskSerializer, responses={201: s.InternalTaskSerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def tasks(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            return Response(s.InternalTaskSerializer(ticket.tasks.all(), many=True).data)
        data = self._validated(s.InternalTaskSerializer)
        task = services.internal_task_create(ticket=ticket, actor=request.user, **data)
        return Response(s.InternalTaskSerializer(task).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.InternalTaskDoneSerializer, responses=s.InternalTaskSerializer)
    @action(detail=True, methods=["post"], url_path=r"tasks/(?P<task_id>\d+)/done", pagination_class=None, filterset_class=None)
    def task_done(self, request, pk=None, task_id=None):
        ticket = self.get_object()
        task = get_object_or_404(InternalTask, pk=task_id, ticket=ticket)
        data = self._validated(s.InternalTaskDoneSerializer)
        task = services.internal_task_set_done(task=task, actor=request.user, is_done=data["is_done"], note=data["note"])
        return Response(s.InternalTaskSerializer(task).data)

    @extend_schema(methods=["get"], responses=s.RemedySerializer(many=True))
    @extend_schema(methods=["post"], request=s.RemedySerializer, responses={201: s.RemedySerializer})
    @action(detail=True, methods=["get", "post"], pagination_class=None, filterset_class=None)
    def remedies(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            return Response(s.RemedySerializer(ticket.remedies.all(), many=True).data)
        data = self._validated(s.RemedySerializer)
        remedy = services.remedy_propose(ticket=ticket, actor=request.user, kind=data["kind"],
                                         amount=data.get("amount"), note=data.get("note", ""))
        return Response(s.RemedySerializer(remedy).data, status=status.HTTP_201_CREATED)

    def _remedy(self, remedy_id):
        ticket = self.get_object()
        return get_object_or_404(Remedy, pk=remedy_id, ticket=ticket)

    @extend_schema(request=s.RemedyDecisionSerializer, responses=s.RemedySerializer)
    @action(detail=True, methods=["post"], url_path=r"remedies/(?P<remedy_id>\d+)/approve", filterset_class=None)
    def remedy_approve(self, request, pk=None, remedy_id=None):
        remedy = self._remedy(remedy_id)
        data = self._validated(s.RemedyDecisionSerializer)
        remedy = services.remedy_decide(remedy=remedy, actor=request.user, approve=True, reason=data["reason"])
        return Response(s.RemedySerializer(remedy).data)

    @extend_schema(request=s.RemedyDecisionSerializer, responses=s.RemedySerializer)
    @action(detail=True, methods=["post"], url_path=r"remedies/(?P<remedy_id>\d+)/reject", filterset_class=None)
    def remedy_reject(self, request, pk=None, remedy_id=None):
        remedy = self._remedy(remedy_id)
        data = self._validated(s.RemedyDecisionSerializer)
        remedy = services.remedy_decide(remedy=remedy, actor=request.user, approve=False, reason=data["reason"])
        return Response(s.RemedySerializer(remedy).data)

    @extend_schema(request=None, responses=s.RemedySerializer)
    @action(detail=True, methods=["post"], url_path=r"remedies/(?P<remedy_id>\d+)/agree", filterset_class=None)
    def remedy_agree(self, request, pk=None, remedy_id=None):
        remedy = self._remedy(remedy_id)
        remedy = services.remedy_record_agreement(remedy=remedy, actor=request.user)
        return Response(s.RemedySerializer(remedy).data)

    @extend_schema(request=None, responses=s.RemedySerializer)
    @action(detail=True, methods=["post"], url_path=r"remedies/(?P<remedy_id>\d+)/done", filterset_class=None)
    def remedy_done(self, request, pk=None, remedy_id=None):
        remedy = self._remedy(remedy_id)
        remedy = services.remedy_mark_done(remedy=remedy, actor=request.user)
        return Response(s.RemedySerializer(remedy).data)


class CannedReplyViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin,
                         mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """Canned replies the user may use; admins manage shared ones, supervisors their teams', members their own."""

    serializer_class = s.CannedReplySerializer
    pagination_class = None
    filterset_class = None
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "list":
            query = s.CannedReplyQuerySerializer(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            return canned_replies_for(user=self.request.user, q=query.validated_data.get("q", ""))
        return canned_replies_for_management(user=self.request.user)

    @extend_schema(parameters=[s.CannedReplyQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_permissions(self):
        return [permissions.IsAuthenticated(), permissions.DjangoModelPermissions()]

    def perform_create(self, serializer):
        serializer.instance = services.canned_reply_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.canned_reply_update(reply=serializer.instance, actor=self.request.user,
                                                           **serializer.validated_data)

    def perform_destroy(self, instance):
        services.canned_reply_delete(reply=instance, actor=self.request.user)


class SeesTickets(permissions.BasePermission):
    """The user may see tickets (their views are their own: no other permission is needed to save one)."""

    def has_permission(self, request, view):
        return request.user.has_perm("tickets.view_ticket")


def _count_label(count: int) -> str:
    return f"{VIEW_COUNT_CAP}+" if count > VIEW_COUNT_CAP else str(count)


class TicketViewViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The user's ticket views with their counts: the built-ins, then the ones they saved (which they create and delete)."""

    permission_classes = [permissions.IsAuthenticated, SeesTickets]
    serializer_class = s.TicketViewSerializer
    pagination_class = None
    filterset_class = None
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return SavedView.objects.none()
        return saved_views_for_user(user=self.request.user)

    def list(self, request, *args, **kwargs):
        counts = ticket_view_counts(user=request.user)
        views = [{"id": None, "key": key, "name": str(label), "query": f"view={key}", "is_builtin": True,
                  "count": counts[key]} for key, label in VIEW_CHOICES]
        views += [{"id": saved["pk"], "key": f"saved-{saved['pk']}", "name": saved["name"], "query": saved["query"],
                   "is_builtin": False, "count": saved["count"]} for saved in counts["saved"]]
        for view in views:
            view["count_label"] = _count_label(view["count"])
        return Response(s.TicketViewSerializer(views, many=True).data)

    @extend_schema(request=s.SavedViewCreateSerializer, responses={
        201: s.TicketViewSerializer, 400: OpenApiResponse(description="No name, a name already used, or filters the ticket list refuses")})
    def create(self, request, *args, **kwargs):
        data = self._validated()
        saved = services.saved_view_create(user=request.user, name=data["name"], query=data["query"])
        ticket_view_counts_forget(user_ids=[request.user.pk])
        count = next((v["count"] for v in ticket_view_counts(user=request.user)["saved"] if v["pk"] == saved.pk), 0)
        body = {"id": saved.pk, "key": f"saved-{saved.pk}", "name": saved.name, "query": saved.query,
                "is_builtin": False, "count": count, "count_label": _count_label(count)}
        return Response(s.TicketViewSerializer(body).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None, 404: OpenApiResponse(description="Not one of the user's saved views")})
    def destroy(self, request, *args, **kwargs):
        services.saved_view_delete(view=self.get_object())
        ticket_view_counts_forget(user_ids=[request.user.pk])
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _validated(self):
        serializer = s.SavedViewCreateSerializer(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class TaskPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class TaskPermission(permissions.BasePermission):
    """Reading tasks needs tickets.view_internaltask; claiming, giving and completing also tickets.change_internaltask."""

    def has_permission(self, request, view):
        needed = ["tickets.view_internaltask"]
        if request.method not in permissions.SAFE_METHODS:
            needed.append("tickets.change_internaltask")
        return request.user.has_perms(needed)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Department tasks (部门任务) of the user's departments' teams, newest first: open unless ``show=done``."""

    serializer_class = s.DepartmentTaskSerializer
    permission_classes = [permissions.IsAuthenticated, TaskPermission]
    filterset_class = InternalTaskFilterSet
    pagination_class = TaskPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator asks without a user
            return InternalTask.objects.none()
        return internal_task_list_for_user(user=self.request.user).select_related("ticket")

    def filter_queryset(self, queryset):
        # The queue's filters (open unless show=done) are the list's; one task is found by its id alone.
        return super().filter_queryset(queryset) if self.action == "list" else queryset

    def _validated(self, serializer_class):
        serializer = serializer_class(data=self.request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def _answer(self, task):
        task = InternalTask.objects.select_related("ticket").get(pk=task.pk)
        return Response(s.DepartmentTaskSerializer(task, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: s.DepartmentTaskSerializer,
                                            409: OpenApiResponse(description="Someone else holds the task")})
    @action(detail=True, methods=["post"], filterset_class=None)
    def claim(self, request, pk=None):
        """Take the task: it is then yours (409 when someone else holds it)."""
        return self._answer(services.internal_task_claim(task=self.get_object(), actor=request.user))

    @extend_schema(request=s.TaskAssignSerializer, responses={200: s.DepartmentTaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def assign(self, request, pk=None):
        """Give the task to a member or the lead of its team; they are told."""
        task = self.get_object()
        data = self._validated(s.TaskAssignSerializer)
        return self._answer(services.internal_task_assign(task=task, actor=request.user, assignee=data["assignee"]))

    @extend_schema(request=s.TaskDoneSerializer, responses={200: s.DepartmentTaskSerializer})
    @action(detail=True, methods=["post"], filterset_class=None)
    def done(self, request, pk=None):
        """Complete the task with an optional note; the ticket's agent is told."""
        task = self.get_object()
        data = self._validated(s.TaskDoneSerializer)
        return self._answer(services.internal_task_set_done(task=task, actor=request.user, is_done=True, note=data["note"]))
