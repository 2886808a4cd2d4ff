from django.urls import path

from sla.api.views import NotificationViewSet, TicketSLAViewSet, TicketStepsViewSet

sla_view = TicketSLAViewSet.as_view({"get": "retrieve"})
urlpatterns = [
    path("tickets/<int:pk>/sla/", sla_view, name="ticket-sla"),
    path("tickets/<int:pk>/sla/extend/", TicketSLAViewSet.as_view({"post": "extend"}), name="ticket-sla-extend"),
    path("tickets/<int:pk>/sla/pause/", TicketSLAViewSet.as_view({"post": "pause"}), name="ticket-sla-pause"),
    path("tickets/<int:pk>/sla/resume/", TicketSLAViewSet.as_view({"post": "resume"}), name="ticket-sla-resume"),
    path("tickets/<int:pk>/steps/", TicketStepsViewSet.as_view({"get": "list"}), name="ticket-steps"),
    path("tickets/<int:pk>/steps/complete/", TicketStepsViewSet.as_view({"post": "complete"}),
         name="ticket-steps-complete"),
    path("notifications/", NotificationViewSet.as_view({"get": "list"}), name="notification-list"),
    path("notifications/read-all/", NotificationViewSet.as_view({"post": "read_all"}), name="notification-read-all"),
    path("notifications/<int:pk>/read/", NotificationViewSet.as_view({"post": "read"}), name="notification-read"),
]
