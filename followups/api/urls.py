"""Routes of the follow-up API under /api/v1/: ``followups/`` and ``surveys/``, each behind its own prefix."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from followups.api import views

visits = SimpleRouter()
visits.register("", views.FollowUpVisitViewSet, basename="followup")

surveys = SimpleRouter()
surveys.register("responses", views.SurveyResponseViewSet, basename="survey-response")
surveys.register(r"(?P<token>[^/]{1,500})/responses", views.PublicSurveyViewSet, basename="survey-answer")

urlpatterns = [
    path("followups/", include(visits.urls)),
    path("surveys/", include(surveys.urls)),
]
