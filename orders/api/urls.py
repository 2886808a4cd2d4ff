from django.urls import path
from rest_framework.routers import SimpleRouter

from orders.api import views

router = SimpleRouter()
router.register("orders", views.OrderViewSet, basename="order")
router.register("returns", views.ReturnRequestViewSet, basename="return")

urlpatterns = [
    path("webhooks/orders/", views.OrderWebhookView.as_view(), name="webhook-orders"),
    *router.urls,
]
