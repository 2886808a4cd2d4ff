"""REST API of follow-up visits and satisfaction surveys (routes in ``followups/api/urls.py``, under /api/v1/)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from followups import selectors, services
from followups.api.serializers import (
    AlibabaReportResultSerializer, AlibabaReportSerializer, CompleteSerializer, FollowUpVisitSerializer,
    GatewayReportSerializer, ReceiptResultSerializer, RescheduleSerializer, SurveyAnswerSerializer,
    SurveyResponseSerializer, TencentReportResultSerializer, TencentReportSerializer, TicketRefSerializer,
    VisitTicketSerializer,
)
from followups.filters import FollowUpVisitFilterSet, SurveyResponseFilterSet
from followups.models import FollowUpVisit, SurveyResponse
from followups.receipts import ReceiptRejected, alibaba_receipts, gateway_receipts, tencent_receipts
from helpdesk.api.pagination import CursorPagination


class VisitPagination(CursorPagination):
    ordering = ("due_at", "id")


class ResponsePagination(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50
    max_page_size = 200


class VisitPermissions(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("followups.view_followupvisit")):
            return False
        return request.method in permissions.SAFE_METHODS or user.has_perm("followups.change_followupvisit")


class FollowUpVisitViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Follow-up visits (回访) of the viewer's teams: list, complete a call, reschedule, open a ticket."""

    serializer_class = FollowUpVisitSerializer
    filterset_class = FollowUpVisitFilterSet
    pagination_class = VisitPagination
    permission_classes = [VisitPermissions]
    queryset = FollowUpVisit.objects.none()

    def get_queryset(self):
        return selectors.visit_queryset_for_viewer(viewer=self.request.user).select_related("created_ticket")

    def get_object(self):
        return selectors.visit_get_for_viewer(viewer=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, visit):
        visit = selectors.visit_get_for_viewer(viewer=self.request.user, pk=visit.pk)
        return Response(FollowUpVisitSerializer(visit, context=self.get_serializer_context()).data)

    @extend_schema(request=CompleteSerializer, responses={200: FollowUpVisitSerializer, 400: OpenApiResponse(description="Field errors"),
                                                          409: OpenApiResponse(description="Already completed")})
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        form = CompleteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = services.visit_complete(visit=self.get_object(), actor=request.user, **form.validated_data)
        return self._answer(visit)

    @extend_schema(request=RescheduleSerializer, responses={200: FollowUpVisitSerializer, 400: OpenApiResponse(description="Field errors"),
                                                            409: OpenApiResponse(description="Visit closed")})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        form = RescheduleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = services.visit_reschedule(visit=self.get_object(), actor=request.user, **form.validated_data)
        return self._answer(visit)

    @extend_schema(request=VisitTicketSerializer, responses={201: TicketRefSerializer, 400: OpenApiResponse(description="Field errors"),
                                                             409: OpenApiResponse(description="Ticket already opened")})
    @action(detail=True, methods=["post"])
    def create_ticket(self, request, pk=None):
        form = VisitTicketSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = services.visit_ticket_create(visit=self.get_object(), actor=request.user, **form.validated_data)
        return Response({"id": ticket.pk, "number": ticket.number}, status=status.HTTP_201_CREATED)


class SurveyResponseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Survey responses for supervisors and up (their teams; managers all), newest first."""

    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilterSet
    pagination_class = ResponsePagination
    queryset = SurveyResponse.objects.none()

    def get_queryset(self):
        return selectors.survey_response_queryset_for_viewer(viewer=self.request.user)

    def list(self, request, *args, **kwargs):
        if not request.user.has_perm("followups.view_surveyresponse"):
            raise exceptions.PermissionDenied()
        return super().list(request, *args, **kwargs)


class PublicSurveyViewSet(viewsets.ViewSet):
    """Answer a survey with its signed token (no login): one response; 404 forged, 410 expired, 409 answered.

    Requests are still authenticated, only to refuse (403) an answer sent with a staff session or token.
    """

    permission_classes = [permissions.AllowAny]
    throttle_classes = []

    @extend_schema(
        request=SurveyAnswerSerializer,
        responses={201: SurveyResponseSerializer, 400: OpenApiResponse(description="Field errors"),
                   403: OpenApiResponse(description="Sent by a signed-in helpdesk user"),
                   404: OpenApiResponse(description="Unknown or forged link"),
                   409: OpenApiResponse(description="Already answered"), 410: OpenApiResponse(description="Expired")},
    )
    def create(self, request, token=None):
        form = SurveyAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        response = services.survey_respond(token=token, overall=data["overall"], answers=data.get("answers", {}),
                                           comment=data.get("comment", ""), respondent=request.user)
        return Response(SurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)



_REJECTED = {400: OpenApiResponse(description="not a report: the body is not a JSON array of reports, or a field is missing"),
             403: OpenApiResponse(description="missing or wrong token or signature")}
_TOKEN = OpenApiParameter("token", OpenApiTypes.STR, OpenApiParameter.QUERY, required=True,
                          description="The secret token configured for the provider's callback address.")


class _ReceiptView(APIView):
    """Delivery receipts of one SMS provider: a sent message becomes delivered or failed (safe to repeat)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    backend = ""
    acknowledgement: dict | None = None  # the provider's expected answer; None: the counts
    reader = None  # receipts(token=, body=) of a provider whose address carries the token

    def read(self, request) -> list:
        return self.reader(token=request.query_params.get("token", ""), body=request.body)

    def post(self, request):
        try:
            receipts = self.read(request)
        except ReceiptRejected as exc:
            return Response({"detail": str(exc)}, status=exc.status)
        counts = services.message_receipts_apply(backend=self.backend, receipts=receipts)
        return Response(self.acknowledgement if self.acknowledgement is not None else counts)


@extend_schema(request=AlibabaReportSerializer(many=True), parameters=[_TOKEN],
               responses={200: AlibabaReportResultSerializer, **_REJECTED})
class AlibabaReceiptView(_ReceiptView):
    """Alibaba Cloud SMS delivery reports (SmsReport, HTTP batch push); the address carries ``?token=``."""

    backend = "followups.providers.AlibabaSmsBackend"
    acknowledgement = {"code": 0, "msg": "接收成功"}
    reader = staticmethod(alibaba_receipts)


@extend_schema(request=TencentReportSerializer(many=True), parameters=[_TOKEN],
               responses={200: TencentReportResultSerializer, **_REJECTED})
class TencentReceiptView(_ReceiptView):
    """Tencent Cloud SMS delivery status callbacks (短信下发状态通知); the address carries ``?token=``."""

    backend = "followups.providers.TencentSmsBackend"
    acknowledgement = {"result": 0, "errmsg": "OK"}
    reader = staticmethod(tencent_receipts)


@extend_schema(
    request=GatewayReportSerializer(many=True), responses={200: ReceiptResultSerializer, **_REJECTED},
    parameters=[OpenApiParameter("X-Signature-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True),
                OpenApiParameter("X-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)])
class GatewayReceiptView(_ReceiptView):
    """Delivery reports of the HTTP gateway, signed: ``X-Signature: sha256=<hex>`` of "<timestamp>." + body."""

    backend = "followups.providers.HttpGatewayBackend"

    def read(self, request):
        return gateway_receipts(timestamp=request.headers.get("X-Signature-Timestamp", ""),
                                signature=request.headers.get("X-Signature", ""), body=request.body)
