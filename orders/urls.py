from django.urls import path

from orders import views

app_name = "orders"

urlpatterns = [
    path("orders/", views.OrderListView.as_view(), name="order_list"),
    path("orders/<int:pk>/", views.OrderDetailView.as_view(), name="order_detail"),
    path("orders/import/", views.OrderImportView.as_view(), name="import_upload"),
    path("orders/import/<int:pk>/", views.OrderImportDetailView.as_view(), name="import_detail"),
    path("orders/<int:pk>/ticket/", views.OrderTicketView.as_view(), name="order_ticket"),
    path("returns/", views.ReturnListView.as_view(), name="return_list"),
    path("returns/<int:pk>/", views.ReturnDetailView.as_view(), name="return_detail"),
    path("returns/<int:pk>/photos/<int:photo_id>/", views.ReturnPhotoView.as_view(), name="return_photo"),
    path("returns/<int:pk>/<slug:action>/", views.ReturnActionView.as_view(), name="return_action"),
    path("service/returns/", views.public_lookup, name="public_lookup"),
    path("service/returns/order/<str:token>/", views.public_order, name="public_order"),
    path("service/returns/status/<str:token>/", views.public_status, name="public_status"),
]
