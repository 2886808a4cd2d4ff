from django.urls import path
from helpdesk.api.routers import Router

from orders.api import views

router = Router()
router.register("orders", views.OrderViewSet, basename="order")
router.register("returns", views.ReturnRequestViewSet, basename="return")

urlpatterns = [
    path("webhooks/orders/", views.OrderWebhookView.as_view(), name="webhook-orders"),
    *router.urls,
]
