from django.urls import path

from sla import views

app_name = "sla"

urlpatterns = [
    path("sla/at-risk/", views.sla_at_risk, name="at_risk"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("live/counts/", views.live_counts, name="live_counts"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
]
