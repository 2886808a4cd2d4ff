"""Routes of the knowledge API under /api/v1/: ``knowledge/articles/``, ``help/articles/`` (public), ``training/``."""

from django.urls import include, path
from helpdesk.api.routers import Router

from knowledge.api import views

staff = Router()
staff.register("articles", views.ArticleViewSet, basename="article")
public = Router()
public.register("articles", views.PublicArticleViewSet, basename="help-article")
training = Router()
training.register("assignments", views.TrainingAssignmentViewSet, basename="training-assignment")
training.register("records", views.TrainingRecordViewSet, basename="training-record")

urlpatterns = [
    path("knowledge/", include(staff.urls)),
    path("help/", include(public.urls)),
    path("training/", include(training.urls)),
]
