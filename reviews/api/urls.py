from django.urls import path

from helpdesk.api.routers import Router
from reviews.api import views

router = Router()
router.register("reviews", views.ReviewViewSet, basename="review")

urlpatterns = [
    path("webhooks/reviews/", views.ReviewWebhookView.as_view(), name="webhook-reviews"),
    *router.urls,
]
