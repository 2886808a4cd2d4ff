"""REST API of follow-up visits and satisfaction surveys (routes included under /api/v1/)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from customers import followup_selectors as selectors
from customers import followups, surveys
from customers.filters import FollowUpVisitFilterSet, SurveyResponseFilterSet
from customers.followup_models import FollowUpVisit, SurveyResponse
from customers.privacy import mask_phone, may_view_pii
from customers.workflow import VisitConflict

Outcome = FollowUpVisit.Outcome


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Conflict"
    default_code = "conflict"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "Gone"
    default_code = "gone"


class ErrorsMixin:
    """Answer 400 with field errors for a service's ValidationError, 409 when the visit has moved on."""

    def handle_exception(self, exc):
        if isinstance(exc, DjangoValidationError):
            exc = serializers.ValidationError(serializers.as_serializer_error(exc))
        elif isinstance(exc, VisitConflict):
            exc = Conflict(str(exc))
        return super().handle_exception(exc)


class VisitPagination(CursorPagination):
    ordering = ("due_at", "id")
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 100


class ResponsePagination(CursorPagination):
    ordering = ("-submitted_at", "-id")
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class FollowUpVisitSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_phone = serializers.SerializerMethodField()
    rule_name = serializers.CharField(source="rule.name", read_only=True, default="")
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)
    order_number = serializers.CharField(source="order.number", read_only=True, default=None)
    created_ticket_number = serializers.CharField(source="created_ticket.number", read_only=True, default=None)

    class Meta:
        model = FollowUpVisit
        fields = ["id", "rule", "rule_name", "source_type", "source_id", "period", "customer", "customer_name",
                  "customer_phone", "order", "order_number", "return_request", "ticket", "ticket_number", "kind",
                  "channel", "status", "skip_reason", "due_at", "team", "assignee", "handler", "script", "attempts",
                  "outcome", "satisfaction", "notes", "completed_at", "completed_by", "created_ticket",
                  "created_ticket_number", "created_at"]
        read_only_fields = fields

    def get_customer_phone(self, visit) -> str:
        phone = visit.customer.phone
        return phone if may_view_pii(self.context["request"].user) else mask_phone(phone)


class CompleteSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[Outcome.REACHED, Outcome.NO_ANSWER, Outcome.WRONG_NUMBER, Outcome.REFUSED])
    satisfaction = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    notes = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")


class RescheduleSerializer(serializers.Serializer):
    due_at = serializers.DateTimeField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")

    def validate_due_at(self, value):
        if value.year < 2 or value.year > 9998:
            raise serializers.ValidationError("Out of range.")
        return value


class VisitTicketSerializer(serializers.Serializer):
    subject = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    description = serializers.CharField(required=False, allow_blank=True, max_length=10000, default="")


class TicketRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()


class VisitPermissions(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("customers.view_followupvisit")):
            return False
        return request.method in permissions.SAFE_METHODS or user.has_perm("customers.change_followupvisit")


class FollowUpVisitViewSet(ErrorsMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
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
        visit = followups.visit_complete(visit=self.get_object(), actor=request.user, **form.validated_data)
        return self._answer(visit)

    @extend_schema(request=RescheduleSerializer, responses={200: FollowUpVisitSerializer, 400: OpenApiResponse(description="Field errors"),
                                                            409: OpenApiResponse(description="Visit closed")})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        form = RescheduleSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        visit = followups.visit_reschedule(visit=self.get_object(), actor=request.user, **form.validated_data)
        return self._answer(visit)

    @extend_schema(request=VisitTicketSerializer, responses={201: TicketRefSerializer, 400: OpenApiResponse(description="Field errors"),
                                                             409: OpenApiResponse(description="Ticket already opened")})
    @action(detail=True, methods=["post"])
    def create_ticket(self, request, pk=None):
        form = VisitTicketSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        ticket = followups.visit_ticket_create(visit=self.get_object(), actor=request.user, **form.validated_data)
        return Response({"id": ticket.pk, "number": ticket.number}, status=status.HTTP_201_CREATED)


class SurveyResponseSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    ticket_number = serializers.CharField(source="ticket.number", read_only=True, default=None)
    order_number = serializers.CharField(source="order.number", read_only=True, default=None)
    return_number = serializers.CharField(source="return_request.number", read_only=True, default=None)
    low_score_ticket_number = serializers.CharField(source="low_score_ticket.number", read_only=True, default=None)

    class Meta:
        model = SurveyResponse
        fields = ["id", "survey", "customer", "customer_name", "ticket", "ticket_number", "return_request",
                  "return_number", "order", "order_number", "agent", "team", "overall", "answers", "score", "comment",
                  "is_low", "low_score_ticket", "low_score_ticket_number", "submitted_at"]
        read_only_fields = fields


class SurveyAnswerSerializer(serializers.Serializer):
    overall = serializers.IntegerField(min_value=1, max_value=5)
    answers = serializers.DictField(child=serializers.IntegerField(min_value=1, max_value=5), required=False,
                                    help_text="Question code → score 1–5, one per active question (efficiency, professionalism, accuracy).")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class SurveyResponseViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Survey responses for supervisors and up (their teams; managers all), newest first."""

    serializer_class = SurveyResponseSerializer
    filterset_class = SurveyResponseFilterSet
    pagination_class = ResponsePagination
    queryset = SurveyResponse.objects.none()

    def get_queryset(self):
        return selectors.survey_response_queryset_for_viewer(viewer=self.request.user)

    def list(self, request, *args, **kwargs):
        if not request.user.has_perm("customers.view_surveyresponse"):
            raise exceptions.PermissionDenied()
        return super().list(request, *args, **kwargs)


class PublicSurveyViewSet(viewsets.ViewSet):
    """Answer a survey with its signed token (no login): one response; 404 forged, 410 expired, 409 answered."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    throttle_classes = []

    @extend_schema(
        request=SurveyAnswerSerializer,
        responses={201: SurveyResponseSerializer, 400: OpenApiResponse(description="Field errors"),
                   404: OpenApiResponse(description="Unknown or forged link"),
                   409: OpenApiResponse(description="Already answered"), 410: OpenApiResponse(description="Expired")},
    )
    def create(self, request, token=None):
        form = SurveyAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = form.validated_data
        try:
            response = surveys.survey_respond(token=token, overall=data["overall"], answers=data.get("answers", {}),
                                              comment=data.get("comment", ""))
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None
        except surveys.SurveyUnavailable as exc:
            if exc.reason == surveys.EXPIRED:
                raise Gone("This survey link has expired.") from None
            if exc.reason == surveys.ANSWERED:
                raise Conflict("This survey was already answered.") from None
            raise exceptions.NotFound("Unknown survey link.") from None
        return Response(SurveyResponseSerializer(response).data, status=status.HTTP_201_CREATED)


router = SimpleRouter()
router.register("followups", FollowUpVisitViewSet, basename="followup")
router.register("surveys/responses", SurveyResponseViewSet, basename="survey-response")
router.register(r"surveys/(?P<token>[^/]{1,500})/responses", PublicSurveyViewSet, basename="survey-answer")

urlpatterns = router.urls
