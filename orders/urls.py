from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("returns/", views.ReturnListView.as_view(), name="return_list"),
]
