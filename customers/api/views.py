from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from customers import selectors, services
from customers.api import serializers as s
from customers.export import customer_list_csv_response, customer_pii_json_response
from customers.filters import CustomerFilterSet
from customers.models import Customer, CustomerImport, CustomerReview, PiiReveal
from helpdesk.api.pagination import CursorPagination


class CustomerPagination(CursorPagination):
    ordering = "-id"


class RevealPagination(CursorPagination):
    ordering = "-id"
    page_size = 50


class ModelPermissions(permissions.DjangoModelPermissions):
    """Django model permissions, reading included (view_customer)."""

    perms_map = {**permissions.DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}


def _error_schema():
    return OpenApiResponse(description="Field errors")


class CustomerViewSet(viewsets.GenericViewSet):
    """Customer archives; personal fields masked unless the viewer may see them."""

    serializer_class = s.CustomerSerializer
    filterset_class = CustomerFilterSet
    pagination_class = CustomerPagination
    permission_classes = [ModelPermissions]
    queryset = Customer.objects.none()

    def get_queryset(self):
        return selectors.customer_queryset_for_viewer(viewer=self.request.user)

    def get_object(self):
        return selectors.customer_get_for_viewer(viewer=self.request.user, pk=self.kwargs["pk"])

    def _data(self, customers) -> list[dict]:
        rows = selectors.customer_list_for_viewer(viewer=self.request.user, customers=customers)
        stats = selectors.customer_stats_many(customer_ids=[row["id"] for row in rows])
        for row in rows:
            row["stats"] = stats[row["id"]]
        return rows

    @extend_schema(responses=s.CustomerSerializer(many=True))
    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(s.CustomerSerializer(self._data(page), many=True).data)

    @extend_schema(request=s.CustomerWriteSerializer, responses={201: s.CustomerSerializer, 400: _error_schema()})
    def create(self, request):
        form = s.CustomerWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        customer = services.customer_create(actor=request.user, **form.validated_data)
        return Response(s.CustomerSerializer(self._data([customer])[0]).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses=s.CustomerSerializer)
    def retrieve(self, request, pk=None):
        return Response(s.CustomerSerializer(self._data([self.get_object()])[0]).data)

    @extend_schema(
        request=s.CustomerWriteSerializer,
        responses={200: s.CustomerSerializer, 202: s.ReviewSerializer, 400: _error_schema(), 403: None, 404: None},
        description="Supervisors and up change the archive (200). Anyone else's change is submitted for archive "
                    "review (建档评审) and answered 202 with the review; the archive changes once a supervisor approves.",
    )
    def partial_update(self, request, pk=None):
        customer = self.get_object()
        form = s.CustomerWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        result = services.customer_change(actor=request.user, customer=customer, **form.validated_data)
        if isinstance(result, CustomerReview):
            return Response(s.ReviewSerializer(result).data, status=status.HTTP_202_ACCEPTED)
        return Response(s.CustomerSerializer(self._data([result])[0]).data)

    @extend_schema(responses=s.CustomerStatsSerializer)
    @action(detail=True, methods=["get"])
    def stats(self, request, pk=None):
        return Response(s.CustomerStatsSerializer(selectors.customer_stats(customer=self.get_object())).data)

    @extend_schema(request=s.RevealRequestSerializer,
                   responses={200: s.RevealSerializer, 400: _error_schema(), 403: None, 429: None})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        customer = self.get_object()
        form = s.RevealRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        values = services.customer_reveal(viewer=request.user, customer=customer, **form.validated_data)
        return Response({"field": form.validated_data["field"], "values": values, "value": values[0] if values else ""})

    @extend_schema(parameters=[s.TimelineQuerySerializer], responses=s.TimelineSerializer)
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        query = s.TimelineQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        limit = query.validated_data["limit"]
        page = selectors.customer_timeline(viewer=request.user, customer=self.get_object(),
                                           cursor=query.validated_data.get("cursor"), limit=limit)
        if page["next"]:
            page["next"] = request.build_absolute_uri(f"?cursor={page['next']}&limit={limit}")
        return Response(s.TimelineSerializer(page).data)

    @extend_schema(responses=s.CustomerSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def duplicates(self, request, pk=None):
        return Response(s.CustomerSerializer(self._data(selectors.customer_duplicates_of(customer=self.get_object())), many=True).data)

    @extend_schema(request=s.MergeRequestSerializer, responses={201: s.MergeSerializer, 400: _error_schema(), 403: None})
    @action(detail=False, methods=["post"])
    def merge(self, request):
        if not request.user.has_perm("customers.merge_customer"):
            raise PermissionDenied()
        form = s.MergeRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        found = Customer.objects.in_bulk([form.validated_data["survivor"], form.validated_data["duplicate"]])
        missing = {f: ["No such customer."] for f in ("survivor", "duplicate") if form.validated_data[f] not in found}
        if missing:
            raise serializers.ValidationError(missing)
        merge = services.customer_merge(actor=request.user, survivor=found[form.validated_data["survivor"]],
                                        duplicate=found[form.validated_data["duplicate"]])
        return Response(s.MergeSerializer(merge).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[OpenApiParameter("q", str), OpenApiParameter("level", str), OpenApiParameter("tag", str),
                               OpenApiParameter("created_after", OpenApiTypes.DATETIME)],
                   responses={(200, "text/csv"): OpenApiTypes.BINARY})
    @action(detail=False, methods=["get"], url_path="export")
    def export(self, request):
        return customer_list_csv_response(viewer=request.user, queryset=self.filter_queryset(self.get_queryset()))

    @extend_schema(responses={(200, "application/json"): OpenApiTypes.OBJECT, 403: None})
    @action(detail=True, methods=["get"], url_path="personal-data")
    def personal_data(self, request, pk=None):
        customer = self.get_object()
        services.customer_pii_export_record(actor=request.user, customer=customer,
                                            reason=request.query_params.get("reason", "")[:255])
        return customer_pii_json_response(customer=customer)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.CustomerSerializer, 400: _error_schema(), 403: None})
    @action(detail=True, methods=["post"])
    def anonymize(self, request, pk=None):
        form = s.ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        customer = services.customer_anonymize(actor=request.user, customer=self.get_object(), **form.validated_data)
        return Response(s.CustomerSerializer(self._data([customer])[0]).data)

    @extend_schema(request=s.ReviewSubmitSerializer, responses={201: s.ReviewSerializer, 400: _error_schema()})
    @action(detail=True, methods=["post"], url_path="reviews")
    def review_submit(self, request, pk=None):
        form = s.ReviewSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        review = services.customer_review_submit(actor=request.user, customer=self.get_object(), **form.validated_data)
        return Response(s.ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ReviewDecisionSerializer, responses={200: s.ReviewSerializer, 400: _error_schema(), 403: None},
                   parameters=[OpenApiParameter("review_id", int, OpenApiParameter.PATH)])
    @action(detail=True, methods=["post"], url_path=r"reviews/(?P<review_id>\d+)/decide")
    def review_decide(self, request, pk=None, review_id=None):
        customer = self.get_object()
        review = CustomerReview.objects.filter(customer=customer, pk=review_id).first()
        if review is None:
            from django.http import Http404

            raise Http404
        form = s.ReviewDecisionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        review = services.customer_review_decide(actor=request.user, review=review, **form.validated_data)
        return Response(s.ReviewSerializer(review).data)


class PiiRevealViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The audit log of personal-data reveals (read only; supervisors and up)."""

    serializer_class = s.PiiRevealSerializer
    pagination_class = RevealPagination
    queryset = PiiReveal.objects.none()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PiiReveal.objects.none()
        if not self.request.user.has_perm("customers.view_piireveal"):
            raise PermissionDenied()
        return selectors.pii_reveal_list_for_viewer(viewer=self.request.user)


class CustomerImportViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Customer imports from CSV or XLSX: upload, then follow the progress and the error report."""

    serializer_class = s.ImportSerializer
    parser_classes = [MultiPartParser]
    queryset = CustomerImport.objects.none()

    def get_object(self):
        return selectors.import_get_for_viewer(viewer=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(request=s.ImportRequestSerializer, responses={201: s.ImportSerializer, 400: _error_schema(), 403: None})
    def create(self, request):
        if not request.user.has_perm("customers.add_customerimport"):
            raise PermissionDenied()
        form = s.ImportRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        from customers.tasks import import_start

        job = services.customer_import_create(actor=request.user, upload=form.validated_data["file"],
                                              mode=form.validated_data["mode"])
        job = import_start(job)
        return Response(s.ImportSerializer(job).data, status=status.HTTP_201_CREATED)
