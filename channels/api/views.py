"""REST API of the non-chat channels: inbound e-mail (mail gateway) and logged phone calls."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, parsers, permissions, status, viewsets
from rest_framework.response import Response

from channels.api.serializers import InboundEmailResultSerializer, PhoneCallCreateSerializer, PhoneCallSerializer
from channels.inbound import MAX_RAW_BYTES, email_receive
from channels.quarantine import email_quarantine
from channels.selectors import phone_call_list_for_user
from channels.services import phone_call_log
from helpdesk.api.pagination import CursorPagination
from tickets.selectors import ticket_get_for_user


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
    """Only the mail gateway's service account (permission channels.receive_email) may deliver mail."""

    def has_permission(self, request, view):
        return request.user.has_perm("channels.receive_email")


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
            202: OpenApiResponse(InboundEmailResultSerializer, description="Kept whole in the quarantine: it could not be processed; an admin can retry it"),
            400: OpenApiResponse(description="Not a usable e-mail (empty, no From, too large)"),
        },
    )
    def create(self, request):
        raw = request.data
        if not isinstance(raw, bytes):
            raise exceptions.ValidationError({"email": [_("Send the raw e-mail as the request body (Content-Type: message/rfc822).")]})
        try:
            result = email_receive(raw=raw)
        except DjangoValidationError:
            raise  # not a usable e-mail: the sender of the request hears why (400)
        except Exception as error:  # noqa: BLE001 - nothing is lost: the mail is kept for an admin, the gateway told
            held = email_quarantine(raw=raw, mailbox=None, error=error)
            return Response({"outcome": "quarantined", "message_id": "", "note": held.reason[:255], "ticket": None,
                             "ticket_id": None}, status=status.HTTP_202_ACCEPTED)
        email = result.email
        body = {"outcome": result.outcome, "message_id": email.message_id, "note": email.note,
                "ticket": email.ticket.number if email.ticket_id else None, "ticket_id": email.ticket_id}
        code = status.HTTP_201_CREATED if result.outcome in ("created", "threaded") else status.HTTP_200_OK
        return Response(body, status=code)


class PhoneCallPagination(CursorPagination):
    ordering = ("-created_at", "-id")
    page_size = 25


class PhoneCallViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Phone calls logged on tickets the user may see; POST logs a call (new phone ticket or an existing one)."""

    serializer_class = PhoneCallSerializer
    pagination_class = PhoneCallPagination
    filterset_class = None

    def get_queryset(self):
        return phone_call_list_for_user(user=self.request.user)

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
        call = phone_call_log(actor=request.user, ticket=ticket, **data)
        return Response(PhoneCallSerializer(call, context={"request": request}).data, status=status.HTTP_201_CREATED)


def _Needs(perm):
    class Needs(permissions.BasePermission):
        def has_permission(self, request, view):
            return request.user.has_perm(perm)

    return Needs
