"""KPI API: the summary of every metric for a period, and the metric definitions."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions
from rest_framework.response import Response
from rest_framework.views import APIView

from kpi.api.serializers import (
    KpiQuerySerializer, KpiSummarySerializer, MetricDefinitionSerializer, definitions_data,
)
from kpi.selectors import kpi_summary


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
