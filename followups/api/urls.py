"""Routes of the follow-up API under /api/v1/: ``followups/`` and ``surveys/``, each behind its own prefix."""

from django.urls import include, path
from helpdesk.api.routers import Router

from followups.api import views

visits = Router()
visits.register("", views.FollowUpVisitViewSet, basename="followup")

surveys = Router()
surveys.register("responses", views.SurveyResponseViewSet, basename="survey-response")
surveys.register(r"(?P<token>[^/]{1,500})/responses", views.PublicSurveyViewSet, basename="survey-answer")

urlpatterns = [
    path("followups/", include(visits.urls)),
    path("surveys/", include(surveys.urls)),
]
