"""REST API of follow-up visits and satisfaction surveys (routes in ``followups/api/urls.py``, under /api/v1/)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from followups import selectors, services
from followups.api.serializers import (
    CompleteSerializer, FollowUpVisitSerializer, RescheduleSerializer, SurveyAnswerSerializer, SurveyResponseSerializer,
    TicketRefSerializer, VisitTicketSerializer,
)
from followups.filters import FollowUpVisitFilterSet, SurveyResponseFilterSet
from followups.models import FollowUpVisit, SurveyResponse
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

