from django.urls import path

from tickets import views_sla

app_name = "sla"

urlpatterns = [
    path("sla/at-risk/", views_sla.sla_at_risk, name="at_risk"),
    path("notifications/", views_sla.notification_list, name="notification_list"),
    path("notifications/read-all/", views_sla.notification_read_all, name="notification_read_all"),
]
