"""Routes of the knowledge API under /api/v1/: ``articles/`` (staff) and ``help/articles/`` (public)."""

from django.urls import include, path
from helpdesk.api.routers import Router

from knowledge.api import views

staff = Router()
staff.register("articles", views.ArticleViewSet, basename="article")
public = Router()
public.register("articles", views.PublicArticleViewSet, basename="help-article")

urlpatterns = [
    path("knowledge/", include(staff.urls)),
    path("help/", include(public.urls)),
]
