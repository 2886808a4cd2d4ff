"""Review API: the list with filters, intake for integrations, a 差评's outcome and the signed shop webhook."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.errors import as_api_exception
from helpdesk.api.pagination import CursorPagination
from orders.api.views import WEBHOOK_SIGNATURE_HEADERS, ActionPermission
from reviews import importing, services
from reviews.api import serializers as s
from reviews.filters import ReviewFilterSet
from reviews.selectors import review_list_for_user


class ReviewPagination(CursorPagination):
    ordering = ("-reviewed_at", "-id")


class ReviewViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Shop reviews (评价): list and read in scope; integrations post reviews; agents record a 差评's outcome."""

    serializer_class = s.ShopReviewSerializer
    filterset_class = ReviewFilterSet
    pagination_class = ReviewPagination
    permission_classes = [ActionPermission]
    action_permissions = {
        "default": ["reviews.view_review"],
        "create": ["reviews.add_review"],
        "outcome": ["reviews.view_review", "reviews.change_review"],
        "import_file": ["reviews.add_review"],
    }

    def get_queryset(self):
        return review_list_for_user(user=self.request.user)

    @extend_schema(request=s.ReviewInSerializer, responses={200: s.ShopReviewSerializer, 201: s.ShopReviewSerializer})
    def create(self, request, *args, **kwargs):
        """Store a review once per shop and platform review id; a changed rating or text is a revision."""
        data = s.ReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review, created, _changed = services.review_receive(data=data.validated_data, source="api", actor=request.user)
        return Response(s.ShopReviewSerializer(review).data, status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)

    @extend_schema(request={"multipart/form-data": s.ReviewImportUploadSerializer},
                   responses={200: s.ReviewImportResultSerializer, 400: OpenApiResponse(description="Field errors")})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_file(self, request):
        """Import a CSV/XLSX of shop reviews (at most 5,000 rows); each row goes through the same intake."""
        upload = s.ReviewImportUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        try:
            result = importing.reviews_import(file, name=file.name, actor=request.user)
        except DjangoValidationError as exc:
            raise as_api_exception(exc) from None
        return Response(result)

    @extend_schema(request=s.ReviewOutcomeSerializer, responses={200: s.ShopReviewSerializer})
    @action(detail=True, methods=["post"], url_path="outcome")
    def outcome(self, request, pk=None):
        """Record what came of a 差评: contacted, resolved, customer revised, appealed to the platform."""
        data = s.ReviewOutcomeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_outcome_record(review=self.get_object(), actor=request.user, **data.validated_data)
        return Response(s.ShopReviewSerializer(review).data)


class ReviewWebhookView(APIView):
    """Review events from the shop, signed like the order webhook: HMAC-SHA256 over "<timestamp>." + the raw body.

    Headers: ``X-Webhook-Timestamp`` and ``X-Webhook-Signature: sha256=<hex>``; the secret is
    ``REVIEWS_WEBHOOK_SECRET`` (default: ``ORDER_WEBHOOK_SECRET``). A repeated event changes nothing.
    """

    authentication_classes = []
    permission_classes = [permissions.AllowAny]

    @extend_schema(
        request=s.ReviewWebhookSerializer,
        responses={200: s.ReviewWebhookResultSerializer,
                   400: OpenApiResponse(description="stale or malformed event, or the review's field errors"),
                   401: OpenApiResponse(description="missing or wrong signature")},
        parameters=WEBHOOK_SIGNATURE_HEADERS,
        operation_id="webhooks_reviews_create",
    )
    def post(self, request):
        event = services.review_webhook_verify(timestamp=request.headers.get("X-Webhook-Timestamp", ""),
                                               signature=request.headers.get("X-Webhook-Signature", ""),
                                               body=request.body)
        data = s.ReviewWebhookSerializer(data=event)
        data.is_valid(raise_exception=True)
        try:
            review, created, changed = services.review_receive(data=data.validated_data["review"], source="webhook")
        except DjangoValidationError as exc:
            raise ValidationError({"review": as_api_exception(exc).detail}) from None
        result = "created" if created else "revised" if changed else "duplicate"
        return Response({"status": result, "review": review.pk})
