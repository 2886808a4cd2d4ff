"""KPI API: the summary of every metric for a period, and the metric definitions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from kpi import reports

from kpi.api.serializers import (
    KpiQuerySerializer, KpiSummarySerializer, MetricDefinitionSerializer, ReportSerializer, definitions_data,
)
from kpi.downloads import report_file_response
from kpi.selectors import kpi_summary, report_list_for_user


class CanReadKpis(permissions.BasePermission):
    """Allow supervisors and up (``kpi.view_dashboard``)."""

    def has_permission(self, request, view):
        return bool(request.user and request.user.is_authenticated and request.user.has_perm("kpi.view_dashboard"))


class KpiSummaryView(APIView):
    """Every KPI of a period for the viewer's teams, each with value, numerator, denominator and unit."""

    permission_classes = [CanReadKpis]

    @extend_schema(parameters=[KpiQuerySerializer], responses=KpiSummarySerializer, operation_id="kpi_summary")
    def get(self, request):
        query = KpiQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        period = query.validated_data
        metrics = kpi_summary(viewer=request.user, date_from=period["date_from"], date_to=period["date_to"],
                              team=period.get("team"), agent=period.get("agent"), channel=period.get("channel", ""))
        return Response({"date_from": period["date_from"], "date_to": period["date_to"], "metrics": metrics})


class KpiDefinitionsView(APIView):
    """The written definition of every metric: numerator, denominator, time basis, exclusions."""

    permission_classes = [CanReadKpis]

    @extend_schema(responses=MetricDefinitionSerializer(many=True), operation_id="kpi_definitions")
    def get(self, request):
        return Response(definitions_data())


class ReportPagination(CursorPagination):
    ordering = ("-created_at", "-id")


class ReportViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """KPI reports: scheduled daily and monthly reports, and on-demand exports of a dashboard view."""

    serializer_class = ReportSerializer
    permission_classes = [CanReadKpis]
    pagination_class = ReportPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        return report_list_for_user(user=self.request.user)

    @extend_schema(request=KpiQuerySerializer, responses={202: ReportSerializer}, operation_id="kpi_reports_create")
    def create(self, request):
        query = KpiQuerySerializer(data=request.data, context={"request": request})
        query.is_valid(raise_exception=True)
        period = query.validated_data
        report = reports.report_request(actor=request.user, date_from=period["date_from"], date_to=period["date_to"],
                                        team=period.get("team"), channel=period.get("channel", ""))
        return Response(ReportSerializer(report).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        parameters=[OpenApiParameter("file_format", str, enum=["xlsx", "csv"], description="File format (default xlsx).")],
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: None},
        operation_id="kpi_reports_download",
    )
    @action(detail=True, url_path="download", url_name="download")
    def download(self, request, pk=None):
        return report_file_response(self.get_object(), request.query_params.get("file_format", "xlsx"))
