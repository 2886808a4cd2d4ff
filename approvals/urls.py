from django.urls import path

from approvals import views

app_name = "approvals"

urlpatterns = [
    path("approvals/", views.approval_queue, name="queue"),
]
