"""REST API of the knowledge base (routes in ``knowledge/api/urls.py``, under /api/v1/)."""

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk.api.pagination import CursorPagination
from knowledge import selectors, services
from knowledge.api.serializers import (
    ArticleSerializer, ArticleWriteSerializer, DeflectionSerializer, PublicArticleSerializer, ArticleTransitionSerializer,
    QuizResultSerializer, QuizSubmitSerializer, TrainingAssignmentSerializer, TrainingAssignWriteSerializer,
    TrainingReadSerializer, TrainingRecordSerializer,
)
from knowledge.filters import ArticleFilterSet
from knowledge.models import Article, TrainingAssignment, TrainingRecord

FIELD_ERRORS = OpenApiResponse(description="Field errors")


class ArticlePagination(CursorPagination):
    ordering = ("-updated_at", "-id")


class ArticlePermissions(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("knowledge.view_article")):
            return False
        return request.method in permissions.SAFE_METHODS or user.has_perm("knowledge.change_article")


@extend_schema_view(
    create=extend_schema(request=ArticleWriteSerializer, responses={201: ArticleSerializer, 400: FIELD_ERRORS}),
    partial_update=extend_schema(request=ArticleWriteSerializer, responses={200: ArticleSerializer, 400: FIELD_ERRORS}),
)
class ArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                     mixins.UpdateModelMixin, viewsets.GenericViewSet):
    """Knowledge base articles: agents read the published ones; supervisors write, review and publish."""

    serializer_class = ArticleSerializer
    filterset_class = ArticleFilterSet
    pagination_class = ArticlePagination
    permission_classes = [ArticlePermissions]
    queryset = Article.objects.none()
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.article_queryset_for_viewer(viewer=self.request.user)

    def get_object(self):
        return selectors.article_get_for_viewer(viewer=self.request.user, pk=self.kwargs["pk"])

    def _answer(self, article, code=status.HTTP_200_OK):
        article = selectors.article_get_for_viewer(viewer=self.request.user, pk=article.pk)
        return Response(ArticleSerializer(article, context=self.get_serializer_context()).data, status=code)

    def create(self, request, *args, **kwargs):
        form = ArticleWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return self._answer(services.article_create(actor=request.user, **form.validated_data), status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        form = ArticleWriteSerializer(data=request.data, partial=True)
        form.is_valid(raise_exception=True)
        return self._answer(services.article_update(article=self.get_object(), actor=request.user, **form.validated_data))

    @extend_schema(request=ArticleTransitionSerializer, responses={200: ArticleSerializer, 400: FIELD_ERRORS,
                                                            409: OpenApiResponse(description="Step not allowed")})
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Move the article to another status: in_review, published (reviewers), archived or draft."""
        form = ArticleTransitionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        article = services.article_transition(article=self.get_object(), actor=request.user,
                                              target=form.validated_data["status"], note=form.validated_data["note"])
        return self._answer(article)


class PublicArticlePagination(CursorPagination):
    ordering = ("-published_at", "-id")


@extend_schema_view(list=extend_schema(parameters=[
    OpenApiParameter("q", str, description="Search words (Chinese needs no spaces); the best matches, without paging"),
    OpenApiParameter("language", str, enum=Article.Language.values, description="Language of the articles"),
]))
class PublicArticleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The public help centre's articles (no login): published, public ones only."""

    serializer_class = PublicArticleSerializer
    pagination_class = PublicArticlePagination
    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    queryset = Article.objects.none()

    def get_queryset(self):
        language = self.request.query_params.get("language", "")
        if language and language not in Article.Language.values:
            raise exceptions.ValidationError({"language": [f"Choose one of: {', '.join(Article.Language.values)}."]})
        return selectors.article_queryset_public(language=language or None)

    def get_object(self):
        return selectors.article_get_public(pk=self.kwargs["pk"])

    def list(self, request, *args, **kwargs):
        query = request.query_params.get("q", "")
        if len(query) > selectors.MAX_QUERY:
            raise exceptions.ValidationError({"q": [f"Enter at most {selectors.MAX_QUERY} characters."]})
        if not query.strip():
            return super().list(request, *args, **kwargs)
        self.paginator.query_check(request)  # the best matches are one page, but the paging parameters hold
        found = selectors.article_search(self.get_queryset(), query=query)
        if not found:
            services.search_miss_record(term=query)
        return Response({"next": None, "previous": None,
                         "results": PublicArticleSerializer(found, many=True).data})

    @extend_schema(request=DeflectionSerializer, responses={204: None, 400: FIELD_ERRORS, 404: OpenApiResponse(
        description="No such public article"), 429: OpenApiResponse(
        description="Too many answers from this address (HELP_SOLVED_PER_HOUR)")})
    @action(detail=True, methods=["post"])
    def solved(self, request, pk=None):
        """Count that this article solved the customer's problem ("this solved my problem"); nothing is filed."""
        form = DeflectionSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        article = self.get_object()
        if services.help_rate_limited(ip=request.META.get("REMOTE_ADDR", ""), what="solved"):
            raise exceptions.Throttled(wait=3600, detail=_("Too many answers from this address; try again later."))
        services.deflection_record(article=article, source=form.validated_data["source"])
        return Response(status=status.HTTP_204_NO_CONTENT)




class TrainingPermissions(permissions.BasePermission):
    def has_permission(self, request, view):
        user = request.user
        if not (user and user.is_authenticated and user.has_perm("knowledge.view_trainingrecord")):
            return False
        return request.method in permissions.SAFE_METHODS or view.action != "create" or user.has_perm(
            "knowledge.add_trainingassignment")


class TrainingAssignmentPagination(CursorPagination):
    ordering = ("-created_at", "-id")


@extend_schema_view(create=extend_schema(request=TrainingAssignWriteSerializer,
                                         responses={201: TrainingAssignmentSerializer, 400: FIELD_ERRORS}))
class TrainingAssignmentViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Training assignments: an agent's own, a supervisor's teams' (all for managers); supervisors assign."""

    serializer_class = TrainingAssignmentSerializer
    pagination_class = TrainingAssignmentPagination
    permission_classes = [TrainingPermissions]
    queryset = TrainingAssignment.objects.none()

    def get_queryset(self):
        viewer = self.request.user
        visible = selectors.training_record_list_for_viewer(viewer=viewer).order_by("id")
        return selectors.training_assignment_list_for_viewer(viewer=viewer).prefetch_related(
            Prefetch("records", queryset=TrainingRecord.objects.filter(pk__in=visible.values("pk")).order_by("id")))

    def create(self, request, *args, **kwargs):
        form = TrainingAssignWriteSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        assignment = services.training_assign(actor=request.user, **form.validated_data)
        answer = self.get_queryset().get(pk=assignment.pk)
        return Response(TrainingAssignmentSerializer(answer).data, status=status.HTTP_201_CREATED)


class TrainingRecordPagination(CursorPagination):
    ordering = ("-id",)


class TrainingRecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Training records: an agent's own, a supervisor's teams' agents' (all for managers); agents submit quizzes."""

    serializer_class = TrainingRecordSerializer
    pagination_class = TrainingRecordPagination
    permission_classes = [TrainingPermissions]
    queryset = TrainingRecord.objects.none()

    def get_queryset(self):
        return selectors.training_record_list_for_viewer(viewer=self.request.user)

    def get_object(self):
        return selectors.training_record_get_for_viewer(viewer=self.request.user, pk=self.kwargs["pk"],
                                                        own=self.action != "retrieve")

    @extend_schema(request=QuizSubmitSerializer, responses={200: QuizResultSerializer, 400: FIELD_ERRORS,
                                                            404: OpenApiResponse(description="Not one of your records")})
    @action(detail=True, methods=["post"])
    def quiz(self, request, pk=None):
        """Submit answers to the record's quiz (your own records only): the score, pass or not, the wrong questions."""
        record = self.get_object()
        form = QuizSubmitSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        attempt = services.training_quiz_submit(record=record, agent=request.user, answers=form.validated_data["answers"])
        attempt.wrong_questions = [row["question"].pk for row in
                                   selectors.training_quiz_review(record=record, attempt=attempt) if not row["is_right"]]
        return Response(QuizResultSerializer(attempt).data)

    @extend_schema(request=TrainingReadSerializer, responses={200: TrainingRecordSerializer, 400: FIELD_ERRORS,
                                                              404: OpenApiResponse(description="Not one of your records")})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark one of the assignment's articles read (your own records only)."""
        record = self.get_object()
        form = TrainingReadSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        article = record.assignment.articles.filter(pk=form.validated_data["article"]).first()
        if article is None:
            raise exceptions.ValidationError({"article": [_("This article is not part of the assignment.")]})
        services.training_article_read(record=record, agent=request.user, article=article)
        return Response(TrainingRecordSerializer(self.get_queryset().get(pk=record.pk)).data)
