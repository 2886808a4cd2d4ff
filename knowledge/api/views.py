"""REST API of the knowledge base (routes in ``knowledge/api/urls.py``, under /api/v1/)."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from helpdesk.api.pagination import CursorPagination
from knowledge import selectors, services
from knowledge.api.serializers import (
    ArticleSerializer, ArticleWriteSerializer, DeflectionSerializer, PublicArticleSerializer, ArticleTransitionSerializer,
)
from knowledge.filters import ArticleFilterSet
from knowledge.models import Article

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


