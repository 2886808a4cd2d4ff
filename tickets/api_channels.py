"""REST API of the non-chat channels: inbound e-mail (mail gateway) and logged phone calls.

Included from ``helpdesk/urls.py`` beside ``tickets.api_sla``.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from customers.privacy import mask_phone, may_view_pii
from tickets.api.views import as_api_errors
from tickets.channel_models import PhoneCall
from tickets.inbound import MAX_RAW_BYTES, email_receive
from tickets.models import Category, Ticket
from tickets.phone import MAX_SECONDS, phone_call_log
from tickets.selectors import ticket_get_for_user, ticket_list_for_user


class RawEmailParser(parsers.BaseParser):
    """Read the request body as one raw RFC 822 message (bytes), up to the size limit."""

    media_type = "message/rfc822"

    def parse(self, stream, media_type=None, parser_context=None):
        data = stream.read(MAX_RAW_BYTES + 1) if stream is not None else b""
        if len(data) > MAX_RAW_BYTES:
            raise exceptions.ValidationError({"email": [_("The e-mail is larger than %(mb)d MB.") % {"mb": MAX_RAW_BYTES // 2**20}]})
        return data


class OctetStreamEmailParser(RawEmailParser):
    media_type = "application/octet-stream"


class PlainEmailParser(RawEmailParser):
    media_type = "text/plain"


class CanReceiveEmail(permissions.BasePermission):
    """Only the mail gateway's service account (permission tickets.receive_email) may deliver mail."""

    def has_permission(self, request, view):
        return request.user.has_perm("tickets.receive_email")


class InboundEmailResultSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=["created", "threaded", "duplicate", "dropped"])
    message_id = serializers.CharField()
    ticket = serializers.CharField(allow_null=True, help_text=_("Ticket number"))
    ticket_id = serializers.IntegerField(allow_null=True)
    note = serializers.CharField(help_text=_("Why the mail was dropped, if it was."))


class InboundEmailViewSet(viewsets.ViewSet):
    """Deliver one inbound e-mail (raw RFC 822) to the helpdesk."""

    permission_classes = [permissions.IsAuthenticated, CanReceiveEmail]
    parser_classes = [RawEmailParser, OctetStreamEmailParser, PlainEmailParser]

    @extend_schema(
        operation_id="inbound_email_create",
        request={"message/rfc822": {"type": "string", "format": "binary"},
                 "application/octet-stream": {"type": "string", "format": "binary"}},
        responses={
            201: InboundEmailResultSerializer,
            200: OpenApiResponse(InboundEmailResultSerializer, description="Already received (duplicate Message-ID) or dropped as an auto-reply / loop"),
            400: OpenApiResponse(description="Not a usable e-mail (empty, no From, too large)"),
        },
    )
    def create(self, request):
        raw = request.data
        if not isinstance(raw, bytes):
            raise exceptions.ValidationError({"email": [_("Send the raw e-mail as the request body (Content-Type: message/rfc822).")]})
        with as_api_errors():
            result = email_receive(raw=raw)
        email = result.email
        body = {"outcome": result.outcome, "message_id": email.message_id, "note": email.note,
                "ticket": email.ticket.number if email.ticket_id else None, "ticket_id": email.ticket_id}
        code = status.HTTP_201_CREATED if result.outcome in ("created", "threaded") else status.HTTP_200_OK
        return Response(body, status=code)


class PhoneCallSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    number = serializers.SerializerMethodField(help_text=_("Masked (138****8000) unless the viewer may see personal data."))

    def get_number(self, call) -> str:
        request = self.context.get("request")
        return call.number if request is not None and may_view_pii(request.user) else mask_phone(call.normalized_number)

    class Meta:
        model = PhoneCall
        fields = ["id", "ticket", "ticket_number", "message", "direction", "number", "wait_seconds", "talk_seconds",
                  "notes", "agent", "created_at"]
        read_only_fields = fields


class PhoneCallCreateSerializer(serializers.Serializer):
    direction = serializers.ChoiceField(choices=PhoneCall.Direction.choices)
    number = serializers.CharField(max_length=32)
    wait_seconds = serializers.IntegerField(min_value=0, max_value=MAX_SECONDS, default=0)
    talk_seconds = serializers.IntegerField(min_value=0, max_value=MAX_SECONDS, default=0)
    notes = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True,
                                      help_text=_("Add the call to this ticket; without it a phone ticket is opened."))
    name = serializers.CharField(max_length=64, required=False, allow_blank=True, default="",
                                 help_text=_("Caller's name, for a new customer archive."))
    subject = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.CONSULTATION)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True), required=False,
                                                  allow_null=True)


class PhoneCallPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25


class PhoneCallViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Phone calls logged on tickets the user may see; POST logs a call (new phone ticket or an existing one)."""

    serializer_class = PhoneCallSerializer
    pagination_class = PhoneCallPagination
    filterset_class = None

    def get_queryset(self):
        return PhoneCall.objects.filter(ticket__in=ticket_list_for_user(user=self.request.user).values("pk")).select_related("ticket")

    def get_permissions(self):
        needed = "tickets.view_ticket" if self.request.method in permissions.SAFE_METHODS else "tickets.change_ticket"
        return [permissions.IsAuthenticated(), _Needs(needed)()]

    @extend_schema(request=PhoneCallCreateSerializer, responses={201: PhoneCallSerializer})
    def create(self, request):
        serializer = PhoneCallCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        ticket = None
        if data.pop("ticket", None):
            ticket = ticket_get_for_user(user=request.user, pk=serializer.validated_data["ticket"])
        elif not request.user.has_perm("tickets.add_ticket"):
            raise exceptions.PermissionDenied()
        with as_api_errors():
            call = phone_call_log(actor=request.user, ticket=ticket, **data)
        return Response(PhoneCallSerializer(call, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _Needs(perm):
    class Needs(permissions.BasePermission):
        def has_permission(self, request, view):
            return request.user.has_perm(perm)

    return Needs


router = SimpleRouter()
router.register("inbound/email", InboundEmailViewSet, basename="inbound-email")
router.register("phone-calls", PhoneCallViewSet, basename="phone-call")
urlpatterns = router.urls
