from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.errors import as_api_exception
from helpdesk.api.pagination import CursorPagination
from orders import importing, services, shop_sync
from orders.api import serializers as s
from orders.forms import PHOTO_TYPES
from orders.filters import OrderFilterSet, ReturnRequestFilterSet
from orders.models import OrderImport, OrderItem, ReturnRequest
from orders.selectors import order_link_check, order_list_for_user, return_list_for_user, return_quote
from tickets.selectors import ticket_list_for_user


class ActionPermission(permissions.BasePermission):
    """Require the Django permissions a view lists for the current action (``action_permissions``)."""

    def has_permission(self, request, view):
        needed = view.action_permissions.get(view.action, view.action_permissions["default"])
        return bool(request.user and request.user.is_authenticated and request.user.has_perms(needed))


class OrderPagination(CursorPagination):
    ordering = ("-placed_at", "-id")


class ReturnPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class OrderViewSet(viewsets.ReadOnlyModelViewSet):
    """Orders mirrored from the shops; upsert by shop order number; bulk import."""

    serializer_class = s.OrderSerializer
    filterset_class = OrderFilterSet
    pagination_class = OrderPagination
    permission_classes = [ActionPermission]
    lookup_value_regex = r"\d+"
    action_permissions = {
        "default": ["orders.view_order"],
        "upsert": ["orders.add_order", "orders.change_order"],
        "import_start": ["orders.add_orderimport"],
        "import_progress": ["orders.view_orderimport"],
        "ticket_open": ["orders.view_order", "tickets.add_ticket"],
    }

    def get_queryset(self):
        # Lines in the order they were written, as the upsert's answer lists them.
        orders = order_list_for_user(user=self.request.user).prefetch_related(
            Prefetch("items", queryset=OrderItem.objects.order_by("pk")))
        if self.action == "retrieve":
            orders = orders.prefetch_related("status_changes")
        return orders

    def get_serializer_class(self):
        return s.OrderDetailSerializer if self.action == "retrieve" else s.OrderSerializer

    @extend_schema(request=s.OrderUpsertSerializer, responses={200: s.OrderDetailSerializer, 201: s.OrderDetailSerializer},
                   parameters=[OpenApiParameter("number", OpenApiTypes.STR, OpenApiParameter.PATH)])
    @action(detail=False, methods=["put"], url_path=r"by-number/(?P<number>[^/]{1,40})")
    def upsert(self, request, number=None):
        """Create or update the order with this shop number; repeating the same request changes nothing."""
        data = s.validated_data_of(s.OrderUpsertSerializer, request.data)
        upsert = shop_sync.order_upsert(number=number, data=data, source="api")
        return Response(s.order_detail_data(upsert.order, upsert.related),
                        status=status.HTTP_201_CREATED if upsert.created else status.HTTP_200_OK)

    @extend_schema(request=s.OrderTicketOpenSerializer, responses={201: s.OrderTicketSerializer, 400: OpenApiResponse(description="Field errors")})
    @action(detail=True, methods=["post"], url_path="tickets")
    def ticket_open(self, request, pk=None):
        """Open a ticket about this order for its customer (linked to the order)."""
        serializer = s.OrderTicketOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        ticket = services.order_ticket_open(order=self.get_object(), actor=request.user, **serializer.validated_data)
        return Response(s.OrderTicketSerializer(ticket).data, status=status.HTTP_201_CREATED)

    @extend_schema(request={"multipart/form-data": s.OrderImportUploadSerializer}, responses={202: s.OrderImportSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_start(self, request):
        """Upload a CSV/XLSX of orders; it is imported in the background (poll the progress URL)."""
        upload = s.OrderImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        job = importing.order_import_create(actor=request.user, upload=upload.validated_data["file"])
        return Response(s.OrderImportSerializer(job).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(responses=s.OrderImportSerializer, parameters=[OpenApiParameter("import_id", OpenApiTypes.INT, OpenApiParameter.PATH)])
    @action(detail=False, methods=["get"], url_path=r"import/(?P<import_id>\d+)")
    def import_progress(self, request, import_id=None):
        """Return an import's progress, counts and refused orders."""
        return Response(s.OrderImportSerializer(get_object_or_404(OrderImport, pk=import_id)).data)


# The headers of a shop's signed webhook call (orders.shop_sync.webhook_signature_check).
WEBHOOK_SIGNATURE_HEADERS = [
    OpenApiParameter("X-Webhook-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
    OpenApiParameter("X-Webhook-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
]


class OrderWebhookView(APIView):
    """Order events from the shop, signed with HMAC-SHA256 over "<timestamp>." + the raw body.

    Headers: ``X-Webhook-Timestamp`` (Unix seconds, at most 5 minutes off) and
    ``X-Webhook-Signature: sha256=<hex>``; the secret is ``ORDER_WEBHOOK_SECRET``.
    """

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.WebhookEventSerializer,
        responses={200: s.WebhookResultSerializer,
                   400: OpenApiResponse(description="stale or malformed event, or the order's field errors under `order`"),
                   401: OpenApiResponse(description="missing or wrong signature")},
        parameters=WEBHOOK_SIGNATURE_HEADERS,
        operation_id="webhooks_orders_create",
    )
    def post(self, request):
        event = shop_sync.webhook_verify(
            secret=settings.ORDER_WEBHOOK_SECRET, timestamp=request.headers.get("X-Webhook-Timestamp", ""),
            signature=request.headers.get("X-Webhook-Signature", ""), body=request.body)
        valid = s.validated_data_of(s.WebhookEventSerializer, event)
        data = dict(valid["order"])
        number = data.pop("number")
        try:
            applied = shop_sync.webhook_event_apply(event_id=valid["id"], topic=valid["topic"], number=number, data=data)
        except DjangoValidationError as exc:  # the order's errors where the shop sent the order, as the serializer's are
            raise ValidationError({"order": as_api_exception(exc).detail}) from None
        return Response({"status": "applied" if applied else "duplicate"})


def _items(data) -> list[tuple[int, int]]:
    return [(item["order_item"], item["quantity"]) for item in data]


class ReturnRequestViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Returns, exchanges and refunds (退换货) and every step of their flow."""

    serializer_class = s.ReturnRequestSerializer
    filterset_class = ReturnRequestFilterSet
    pagination_class = ReturnPagination
    permission_classes = [ActionPermission]
    lookup_value_regex = r"\d+"
    action_permissions = {
        "default": ["orders.change_returnrequest"],
        "list": ["orders.view_returnrequest"],
        "retrieve": ["orders.view_returnrequest"],
        "quote": ["orders.view_returnrequest"],
        "create": ["orders.add_returnrequest"],
        "extend": ["orders.extend_deadline"],
        "photo_download": ["orders.view_returnrequest"],
    }

    def get_queryset(self):
        return return_list_for_user(user=self.request.user).prefetch_related("items__order_item", "photos")

    def _done(self, ret: ReturnRequest) -> Response:
        ret = self.get_queryset().get(pk=ret.pk)
        return Response(s.ReturnRequestSerializer(ret, context=self.get_serializer_context()).data)

    def _input(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    @extend_schema(request=s.ReturnCreateSerializer, responses={201: s.ReturnRequestSerializer})
    def create(self, request, *args, **kwargs):
        data = self._input(s.ReturnCreateSerializer)
        # The order and the ticket named must be ones the caller may open; others do not exist for them.
        order_link_check(actor=request.user, order=data["order"])
        ticket = None
        if data.get("ticket"):
            ticket = ticket_list_for_user(user=request.user).filter(pk=data["ticket"]).first()
            if ticket is None:
                raise ValidationError({"ticket": [_("Unknown ticket.")]})
        ret = services.return_request_create(
            order=data["order"], kind=data["kind"], reason=data["reason"], items=_items(data["items"]), actor=request.user,
            ticket=ticket, description=data["description"], contact_name=data["contact_name"],
            contact_phone=data["contact_phone"], contact_email=data["contact_email"],
            exchange_sku=data.get("exchange_sku"), exchange_quantity=data["exchange_quantity"])
        response = self._done(ret)
        response.status_code = status.HTTP_201_CREATED
        return response

    @extend_schema(request=s.ActionSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve the application after review (审核)."""
        data = self._input(s.ActionSerializer)
        return self._done(services.return_request_approve(return_request=self.get_object(), actor=request.user,
                                                          expected_status=data.get("expected_status", "")))

    @extend_schema(request=s.RejectSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject with a reason the customer sees."""
        data = self._input(s.RejectSerializer)
        return self._done(services.return_request_reject(return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), reason=data["reason"]))

    @extend_schema(request=s.ResubmitSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def resubmit(self, request, pk=None):
        """Send an amended, rejected application back to review."""
        data = self._input(s.ResubmitSerializer)
        return self._done(services.return_request_resubmit(
            return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), description=data.get("description"),
            reason=data.get("reason"), items=_items(data["items"]) if "items" in data else None))

    @extend_schema(request=s.ArrangePickupSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def arrange_pickup(self, request, pk=None):
        """Record the pickup arranged (or the customer shipping it back) with carrier and tracking."""
        data = self._input(s.ArrangePickupSerializer)
        return self._done(services.return_request_arrange_pickup(
            return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), method=data["method"], carrier=data.get("carrier"),
            tracking=data["tracking"]))

    @extend_schema(request=s.ActionSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def receive(self, request, pk=None):
        """Record the goods received."""
        data = self._input(s.ActionSerializer)
        return self._done(services.return_request_receive(return_request=self.get_object(), actor=request.user,
                                                          expected_status=data.get("expected_status", "")))

    @extend_schema(request=s.InspectSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def inspect(self, request, pk=None):
        """Record the inspection (验收): pass or fail with notes."""
        data = self._input(s.InspectSerializer)
        return self._done(services.return_request_inspect(
            return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), passed=data["passed"], notes=data["notes"]))

    @extend_schema(request=s.RefundSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def refund(self, request, pk=None):
        """Refund (default: the quote's amount); above the agent's limit it waits for a supervisor."""
        data = self._input(s.RefundSerializer)
        return self._done(services.return_request_refund(return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""),
                                                         amount=data.get("amount")))

    @extend_schema(request=s.ShipExchangeSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def ship_exchange(self, request, pk=None):
        """Ship the replacement with carrier and tracking number."""
        data = self._input(s.ShipExchangeSerializer)
        return self._done(services.return_request_ship_exchange(
            return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), carrier=data["carrier"], tracking=data["tracking"]))

    @extend_schema(request=s.NoteSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the case."""
        data = self._input(s.NoteSerializer)
        return self._done(services.return_request_close(return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), note=data["note"]))

    @extend_schema(request=s.CancelSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Cancel before the goods are received."""
        data = self._input(s.CancelSerializer)
        return self._done(services.return_request_cancel(return_request=self.get_object(), actor=request.user, expected_status=data.get("expected_status", ""), reason=data["reason"]))

    @extend_schema(request=s.ExtendSerializer, responses=s.ReturnRequestSerializer)
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        """Extend a step deadline for force majeure with a reason; the customer is told."""
        data = self._input(s.ExtendSerializer)
        ret = self.get_object()
        services.return_request_extend(return_request=ret, actor=request.user, step=data["step"], days=data["days"],
                                       reason=data["reason"])
        return self._done(ret)

    @extend_schema(request={"multipart/form-data": s.ReturnPhotoUploadSerializer},
                   responses={201: s.ReturnPhotoSerializer, 400: OpenApiResponse(description="wrong type or size")})
    @action(detail=True, methods=["post"], url_path="photos", parser_classes=[MultiPartParser])
    def photo_upload(self, request, pk=None):
        """Attach a photo (JPEG, PNG, WebP or HEIC, at most 8 MB) as evidence or from the inspection."""
        data = self._input(s.ReturnPhotoUploadSerializer)
        photo = services.return_photo_add(return_request=self.get_object(), actor=request.user, upload=data["file"],
                                          stage=data["stage"])
        return Response(s.ReturnPhotoSerializer(photo).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={**{(200, content_type): OpenApiTypes.BINARY for content_type in PHOTO_TYPES}, 404: None},
                   parameters=[OpenApiParameter("photo_id", OpenApiTypes.INT, OpenApiParameter.PATH)])
    @action(detail=True, methods=["get"], url_path=r"photos/(?P<photo_id>\d+)")
    def photo_download(self, request, pk=None, photo_id=None):
        """Download a photo of a request the user may see (the same scope as the request itself)."""
        from orders.views import photo_response

        return photo_response(return_request=self.get_object(), photo_id=photo_id)

    @extend_schema(responses=s.QuoteSerializer)
    @action(detail=True, methods=["get"])
    def quote(self, request, pk=None):
        """Return the refund quote with every line of the policy arithmetic."""
        result = return_quote(return_request=self.get_object())
        return Response(s.QuoteSerializer({
            **result.__dict__, "lines": [{"code": l.code, "label": l.label, "amount": l.amount} for l in result.lines],
        }).data)
