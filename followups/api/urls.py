"""Routes of the follow-up API under /api/v1/: ``followups/``, ``surveys/`` and the SMS receipts under ``webhooks/sms/``."""

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
    # Delivery receipts of the SMS providers: a token or a signature, not a login, decides.
    path("webhooks/sms/alibaba/", views.AlibabaReceiptView.as_view(), name="webhook-sms-alibaba"),
    path("webhooks/sms/tencent/", views.TencentReceiptView.as_view(), name="webhook-sms-tencent"),
    path("webhooks/sms/gateway/", views.GatewayReceiptView.as_view(), name="webhook-sms-gateway"),
    path("surveys/", include(surveys.urls)),
]
