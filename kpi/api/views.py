"""KPI API: the summary of every metric, definitions, reports and agent scorecards."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from helpdesk.api.pagination import CursorPagination
from kpi import services
from kpi.api.serializers import (
    ConductRecordReadSerializer, ConductRecordSerializer, KpiQuerySerializer, KpiSummarySerializer, MetricDefinitionSerializer, RatingSerializer, ReportSerializer,
    ReviewBreakdownQuerySerializer, ReviewBreakdownSerializer, ScorecardQuerySerializer, ScorecardSerializer,
    definitions_data,
)
from kpi.downloads import report_file_response
from kpi.models import ConductRecord, Scorecard
from kpi.filters import ConductRecordFilterSet
from kpi.selectors import (
    conduct_list_for_user, kpi_review_breakdown, kpi_summary, report_list_for_user, scorecard_list_for_user,
)

REVIEW_BREAKDOWN_API_PAGE = 50


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


class KpiReviewBreakdownView(APIView):
    """好评率 and 差评率 of the period by shop, SKU, attributed team or agent, 50 groups a page, largest first."""

    permission_classes = [CanReadKpis]

    @extend_schema(parameters=[ReviewBreakdownQuerySerializer], responses=ReviewBreakdownSerializer,
                   operation_id="kpi_review_breakdown")
    def get(self, request):
        query = ReviewBreakdownQuerySerializer(data=request.query_params, context={"request": request})
        query.is_valid(raise_exception=True)
        q = query.validated_data
        rows, has_next = kpi_review_breakdown(viewer=request.user, by=q["by"], date_from=q["date_from"],
                                              date_to=q["date_to"], team=q.get("team"), agent=q.get("agent"),
                                              page=q["page"], size=REVIEW_BREAKDOWN_API_PAGE)
        figures = [{"key": row["key"], "value": str(row["value"]), "reviews": row["reviews"],
                    "positive_review_rate": row["positive_review_rate"],
                    "negative_review_rate": row["negative_review_rate"]} for row in rows]
        return Response({"date_from": q["date_from"], "date_to": q["date_to"], "by": q["by"], "page": q["page"],
                         "has_next": has_next, "rows": figures})


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
        report = services.report_request(actor=request.user, date_from=period["date_from"], date_to=period["date_to"],
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


class ScorecardPagination(CursorPagination):
    ordering = ("-month", "agent_id")
    page_size = 100


class ScorecardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Monthly agent scorecards: agents see their own, supervisors their teams', managers all."""

    serializer_class = ScorecardSerializer
    pagination_class = ScorecardPagination
    lookup_value_regex = r"\d+"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Scorecard.objects.none()
        cards = scorecard_list_for_user(user=self.request.user)
        if self.action != "list":
            return cards
        query = ScorecardQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or timezone.localdate().replace(day=1)
        cards = cards.filter(month=month)
        if query.validated_data.get("team"):
            cards = cards.filter(team=query.validated_data["team"])
        return cards

    @extend_schema(parameters=[ScorecardQuerySerializer])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RatingSerializer, responses=ScorecardSerializer, operation_id="kpi_scorecards_rate")
    @action(detail=True, methods=["post"])
    def rate(self, request, pk=None):
        rating = RatingSerializer(data=request.data)
        rating.is_valid(raise_exception=True)
        card = services.scorecard_rate(scorecard=self.get_object(), actor=request.user, **rating.validated_data)
        return Response(ScorecardSerializer(card).data)

    @extend_schema(request=RatingSerializer, responses=ScorecardSerializer, operation_id="kpi_scorecards_self_assess")
    @action(detail=True, methods=["post"])
    def self_assess(self, request, pk=None):
        rating = RatingSerializer(data=request.data)
        rating.is_valid(raise_exception=True)
        card = services.scorecard_self_assess(scorecard=self.get_object(), actor=request.user, **rating.validated_data)
        return Response(ScorecardSerializer(card).data)


class CanRecordConduct(permissions.BasePermission):
    """Let everyone signed in read (their own record at least); recording needs ``kpi.view_dashboard``."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return request.user.has_perm("kpi.view_dashboard")


class ConductPagination(CursorPagination):
    ordering = ("-date", "-id")


class ConductRecordViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Conduct records (奖惩记录): agents read their own; supervisors read and record their teams' agents'."""

    serializer_class = ConductRecordReadSerializer
    filterset_class = ConductRecordFilterSet
    pagination_class = ConductPagination
    permission_classes = [permissions.IsAuthenticated, CanRecordConduct]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ConductRecord.objects.none()
        return conduct_list_for_user(user=self.request.user)

    @extend_schema(request=ConductRecordSerializer, responses={201: ConductRecordReadSerializer},
                   operation_id="conduct_create")
    def create(self, request, *args, **kwargs):
        data = ConductRecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            record = services.conduct_record_create(actor=request.user, **data.validated_data)
        except PermissionDenied:
            raise ValidationError({"agent": [_("Choose an agent of your teams.")]}) from None
        return Response(ConductRecordReadSerializer(record).data, status=status.HTTP_201_CREATED)
