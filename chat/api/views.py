"""REST API of live chat: the widget side (no login, a session token) and the agent side.

The SSE streams are plain Django async views (``chat/views.py``). Included from ``helpdesk/urls.py``
under ``/api/v1/chat/``.
"""

import json
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import permissions, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle
from rest_framework.views import APIView

from chat import selectors, services
from chat.api.serializers import (
    ChatAgentMessageSerializer,
    ChatEndSerializer,
    ChatImageUploadSerializer,
    ChatLanguageWarningSerializer,
    ChatLeaveMessageSerializer,
    ChatMessageBodySerializer,
    ChatMessageSerializer,
    ChatPresenceSerializer,
    ChatReadSerializer,
    ChatRevealRequestSerializer,
    ChatRevealSerializer,
    ChatSessionDetailSerializer,
    ChatSessionListQuerySerializer,
    ChatSessionSerializer,
    ChatStreamTicketSerializer,
    ChatTicketNumberSerializer,
    ChatTransferSerializer,
    ChatWidgetInfoSerializer,
    ChatWidgetSessionCreateSerializer,
    ChatWidgetSessionDetailSerializer,
    ChatWidgetSessionSerializer,
)
from chat.events import chat_publish_many
from chat.models import ChatMessage, ChatSession
from chat.privacy import chat_message_reveal
from customers.privacy import may_view_pii
from helpdesk.api.errors import exception_handler
from helpdesk.api.parsers import depth_message
from helpdesk.errors import ServiceError
from helpdesk.models import Team, User
from tickets.selectors import ticket_list_for_user

TOKEN_HEADER = OpenApiParameter("X-Chat-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True,
                                description="The visitor token returned when the chat was created.")


class ChatSessionStartThrottle(SimpleRateThrottle):
    """Limit chat sessions (and left messages) per IP address: ``CHAT_SESSION_RATE``, default 10 a minute."""

    scope = "chat_session"

    def get_rate(self):
        return getattr(settings, "CHAT_SESSION_RATE", "10/min")

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def _stream_ticket(session: ChatSession) -> dict:
    ticket = services.chat_stream_ticket_issue(session=session)
    return {"stream": f"{reverse('chat:customer_stream', args=[session.pk])}?{urlencode({'ticket': ticket})}",
            "stream_expires_in": services.STREAM_TICKET_SECONDS}


def _valid(serializer_class, request) -> dict:
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# The widget side.

class WidgetChatSessionViewSet(viewsets.ViewSet):
    """A visitor's chat, opened by the widget; every call but create needs the X-Chat-Token header."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    lookup_value_converter = "int"
    queryset = ChatSession.objects.none()  # only tells the schema that {id} is an integer

    def get_throttles(self):
        return [ChatSessionStartThrottle()] if self.action == "create" else []

    def _session(self, request, pk) -> ChatSession:
        return selectors.chat_session_for_token(session_id=pk, token=request.headers.get("X-Chat-Token", ""))

    @extend_schema(request=ChatWidgetSessionCreateSerializer, responses={201: ChatWidgetSessionSerializer})
    def create(self, request):
        data = _valid(ChatWidgetSessionCreateSerializer, request)
        widget = selectors.chat_widget_get(key=data["shop"])
        session = services.chat_session_start(widget=widget, name=data["name"], phone=data["phone"],
                                              customer_token=data["customer_token"], message=data["message"],
                                              ip_address=request.META.get("REMOTE_ADDR"))
        session.refresh_from_db()
        state = selectors.chat_state_payload(session)
        return Response({**state, "token": session.token, **_stream_ticket(session)}, status=201)

    @extend_schema(parameters=[TOKEN_HEADER], request=None, responses={201: ChatStreamTicketSerializer})
    @action(detail=True, methods=["post"])
    def stream(self, request, pk=None):
        return Response(_stream_ticket(self._session(request, pk)), status=201)

    @extend_schema(parameters=[TOKEN_HEADER, OpenApiParameter("after", int, description="Only messages after this number.")],
                   responses=ChatWidgetSessionDetailSerializer)
    def retrieve(self, request, pk=None):
        session = self._session(request, pk)
        after = request.query_params.get("after", "0")
        after = int(after) if after.isdigit() and len(after) < 10 else 0
        return Response({**selectors.chat_state_payload(session),
                         "messages": selectors.chat_messages_for_customer(session_id=session.pk, after=after)})

    @extend_schema(parameters=[TOKEN_HEADER], request={"multipart/form-data": ChatImageUploadSerializer},
                   responses={201: ChatMessageSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def images(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatImageUploadSerializer, request)
        message = services.chat_message_post(session=session, sender=ChatMessage.Sender.CUSTOMER, image=data["image"])
        return Response(selectors.chat_message_payload(message), status=201)

    @extend_schema(parameters=[TOKEN_HEADER], request=ChatReadSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatReadSerializer, request)
        services.chat_mark_read(session=session, reader=ChatMessage.Sender.CUSTOMER, seq=data["seq"])
        return Response(status=204)

    @extend_schema(parameters=[TOKEN_HEADER], request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def typing(self, request, pk=None):
        services.chat_typing(session=self._session(request, pk), sender=ChatMessage.Sender.CUSTOMER)
        return Response(status=204)


class WidgetInfoViewSet(viewsets.ViewSet):
    """A shop's widget: its name, greeting and whether an agent is online; leave a message when none is."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    lookup_value_regex = "[-a-zA-Z0-9_]+"

    def get_throttles(self):
        return [ChatSessionStartThrottle()] if self.action == "leave_message" else []

    @extend_schema(responses=ChatWidgetInfoSerializer)
    def retrieve(self, request, pk=None):
        widget = selectors.chat_widget_get(key=pk)
        return Response({"name": widget.name, "greeting": widget.greeting,
                         "agents_online": selectors.chat_agents_online(widget=widget)})

    @extend_schema(request=ChatLeaveMessageSerializer, responses={201: ChatTicketNumberSerializer})
    @action(detail=True, methods=["post"], url_path="leave-message")
    def leave_message(self, request, pk=None):
        widget = selectors.chat_widget_get(key=pk)
        data = _valid(ChatLeaveMessageSerializer, request)
        ticket = services.chat_leave_message(widget=widget, **data)
        return Response({"ticket": ticket.pk, "ticket_number": ticket.number}, status=201)


# The agent side.

class CanChat(permissions.BasePermission):
    """Agents who may answer tickets may chat."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("tickets.add_ticketmessage"))


class ChatSessionViewSet(viewsets.ViewSet):
    """Chats of the agent's teams: the waiting queue, their own chats; accept, answer, transfer, end."""

    permission_classes = [CanChat]
    lookup_value_converter = "int"
    queryset = ChatSession.objects.none()  # only tells the schema that {id} is an integer

    def _session(self, request, pk) -> ChatSession:
        return selectors.chat_session_get_for_agent(user=request.user, pk=pk)

    def _shown(self, payload: dict) -> dict:
        return selectors.chat_message_for_agent(payload, clear=may_view_pii(self.request.user))

    @extend_schema(parameters=[ChatSessionListQuerySerializer], responses=ChatSessionSerializer(many=True))
    def list(self, request):
        query = ChatSessionListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        view = query.validated_data.get("view", "")
        sessions = selectors.chat_session_list_for_agent(user=request.user, view=view)[:100]
        return Response([selectors.chat_session_summary(session) for session in sessions])

    @extend_schema(responses=ChatSessionDetailSerializer)
    def retrieve(self, request, pk=None):
        session = self._session(request, pk)
        return Response({**selectors.chat_session_summary(session),
                         "messages": [self._shown(payload) for payload in selectors.chat_messages_for_customer(session_id=session.pk)]})

    @extend_schema(request=None, responses={200: ChatSessionSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        session = services.chat_accept(session=self._session(request, pk), agent=request.user)
        session = selectors.chat_session_get_for_agent(user=request.user, pk=session.pk)
        return Response(selectors.chat_session_summary(session))

    @extend_schema(request=ChatAgentMessageSerializer, responses={201: ChatMessageSerializer, 400: ChatLanguageWarningSerializer, 409: None})
    @action(detail=True, methods=["post"])
    def messages(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatAgentMessageSerializer, request)
        if not data["confirm_language"]:
            hits = services.chat_language_check(session=session, actor=request.user, body=data["body"])
            if hits:
                return Response({"language": [{"phrase": hit.phrase, "suggestion": hit.suggestion} for hit in hits]},
                                status=400)
        message = services.chat_message_post(session=session, sender=ChatMessage.Sender.AGENT, actor=request.user,
                                             body=data["body"])
        return Response(self._shown(selectors.chat_message_payload(message)), status=201)

    @extend_schema(request={"multipart/form-data": ChatImageUploadSerializer}, responses={201: ChatMessageSerializer})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def images(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatImageUploadSerializer, request)
        message = services.chat_message_post(session=session, sender=ChatMessage.Sender.AGENT, actor=request.user,
                                             image=data["image"])
        return Response(self._shown(selectors.chat_message_payload(message)), status=201)

    @extend_schema(request=ChatRevealRequestSerializer, responses={
        200: ChatRevealSerializer, 400: OpenApiResponse(description="No reason, or no such message in this chat"),
        403: OpenApiResponse(description="The privacy policy forbids agents to reveal"),
        429: OpenApiResponse(description="The hourly reveal limit is reached; a supervisor reveals")})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """Return one message's text in clear, with a reason; audited like every reveal."""
        session = self._session(request, pk)
        data = _valid(ChatRevealRequestSerializer, request)
        message = selectors.chat_message_get_for_agent(session=session, pk=data["message"])
        if message is None:
            raise ValidationError({"message": [_("This chat has no such message.")]})
        body = chat_message_reveal(viewer=request.user, session=session, message=message, reason=data["reason"])
        return Response({"message": message.pk, "body": body})

    @extend_schema(request=ChatTransferSerializer, responses=ChatSessionSerializer)
    @action(detail=True, methods=["post"])
    def transfer(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatTransferSerializer, request)
        to_agent = to_team = None
        if data.get("team"):
            to_team = Team.objects.filter(pk=data["team"], is_active=True).first()
            if to_team is None:
                raise ValidationError({"team": [_("Unknown team.")]})
        if data.get("agent"):
            to_agent = User.objects.filter(pk=data["agent"], is_active=True).first()
            if to_agent is None:
                raise ValidationError({"agent": [_("Unknown agent.")]})
        session = services.chat_transfer(session=session, actor=request.user, to_agent=to_agent, to_team=to_team,
                                         note=data["note"])
        session = ChatSession.objects.select_related("agent", "team", "widget", "customer").get(pk=session.pk)
        return Response(selectors.chat_session_summary(session))

    @extend_schema(request=ChatEndSerializer, responses=ChatTicketNumberSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatEndSerializer, request)
        ticket = None
        if data.get("ticket"):
            ticket = ticket_list_for_user(user=request.user).filter(pk=data["ticket"]).first()
            if ticket is None:
                raise ValidationError({"ticket": [_("Choose an open ticket of this customer.")]})
        ticket = services.chat_end(session=session, actor=request.user, ticket=ticket, resolve=data["resolve"])
        return Response({"ticket": ticket.pk, "ticket_number": ticket.number})

    @extend_schema(request=ChatReadSerializer, responses={204: None})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        session = self._session(request, pk)
        data = _valid(ChatReadSerializer, request)
        services.chat_mark_read(session=session, reader=ChatMessage.Sender.AGENT, seq=data["seq"], actor=request.user)
        return Response(status=204)

    @extend_schema(request=None, responses={204: None})
    @action(detail=True, methods=["post"])
    def typing(self, request, pk=None):
        services.chat_typing(session=self._session(request, pk), sender=ChatMessage.Sender.AGENT)
        return Response(status=204)


class AgentPresenceView(APIView):
    """The agent's own chat presence (online / away / offline) and chat limit."""

    permission_classes = [CanChat]

    def _data(self, user) -> dict:
        presence = selectors.agent_presence_get(user=user)
        return {"status": presence.status, "max_chats": presence.max_chats,
                "open_chats": selectors.chat_open_count(user=user)}

    @extend_schema(responses=ChatPresenceSerializer)
    def get(self, request):
        return Response(self._data(request.user))

    @extend_schema(request=ChatPresenceSerializer, responses=ChatPresenceSerializer)
    def post(self, request):
        data = _valid(ChatPresenceSerializer, request)
        services.agent_presence_set(user=request.user, status=data["status"])
        return Response(self._data(request.user))


def widget_message_create(request, pk: int):
    """Store a visitor's text message in one statement, then publish it in one pipelined Redis round trip.

    The body is a JSON object ``{"body": "…"}`` and the X-Chat-Token header names the chat; answers as
    the rest of this API does: 201 with the message, 400 with field errors, 404, 405, 415.
    """
    if request.method != "POST":
        return JsonResponse({"detail": _('Method "%s" not allowed.') % request.method}, status=405,
                            headers={"Allow": "POST, OPTIONS"})
    if request.content_type != "application/json":
        return JsonResponse({"detail": _('Unsupported media type "%s" in request.') % request.content_type}, status=415)
    try:
        data = json.loads(request.body, parse_constant=_refuse_constant)
    except RecursionError:
        return JsonResponse({"detail": depth_message()}, status=400)
    except (ValueError, UnicodeDecodeError) as error:
        return JsonResponse({"detail": _("JSON parse error - %s") % error}, status=400)
    body = data.get("body") if isinstance(data, dict) else None
    if not isinstance(body, str):
        message = _("This field is required.") if not isinstance(data, dict) or "body" not in data else _("Not a valid string.")
        return JsonResponse({"body": [message]}, status=400)
    if "\x00" in body:
        return JsonResponse({"body": [_("Null characters are not allowed.")]}, status=400)
    try:
        message, publishes = services.chat_customer_message_store(
            session_id=pk, token=request.headers.get("X-Chat-Token", ""), body=body)
    except Http404:
        return JsonResponse({"detail": _("No ChatSession matches the given query.")}, status=404)
    except (DjangoValidationError, ServiceError) as error:
        refusal = exception_handler(error, {})
        return JsonResponse(refusal.data, status=refusal.status_code, json_dumps_params={"ensure_ascii": False})
    chat_publish_many(publishes)
    return JsonResponse(selectors.chat_message_payload(message), status=201, json_dumps_params={"ensure_ascii": False})


def _refuse_constant(name):
    raise ValueError(f"{name} is not valid JSON")


def widget_message_schema(result, generator, request, public):
    """Describe ``widget_message_create`` in the OpenAPI schema (a drf-spectacular postprocessing hook).

    DRF's schema generator sees DRF views only; this async view answers like one.
    """
    error = {"type": "object", "properties": {"detail": {"type": "string"}}}
    result["paths"]["/api/v1/chat/sessions/{id}/messages/"] = {"post": {
        "operationId": "chat_sessions_messages_create",
        "description": widget_message_create.__doc__.split("\n")[0],
        "tags": ["chat"],
        "parameters": [
            {"in": "path", "name": "id", "schema": {"type": "integer"}, "required": True},
            {"in": "header", "name": "X-Chat-Token", "schema": {"type": "string"}, "required": True,
             "description": TOKEN_HEADER.description},
        ],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["body"],
            "properties": {"body": {"type": "string", "description": str(ChatMessageBodySerializer().fields["body"].help_text)}},
        }}}},
        "security": [{}],
        "responses": {
            "201": {"description": "", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ChatMessage"}}}},
            "400": {"description": "", "content": {"application/json": {"schema": {"anyOf": [
                {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}}, error]}}}},
            "404": {"description": "", "content": {"application/json": {"schema": error}}},
            "415": {"description": "", "content": {"application/json": {"schema": error}}},
        },
    }}
    return result
