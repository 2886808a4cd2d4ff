from django.urls import path

from customers import views

app_name = "customers"

urlpatterns = [
    path("customers/", views.CustomerListView.as_view(), name="customer_list"),
    path("follow-ups/", views.VisitListView.as_view(), name="visit_list"),
]
