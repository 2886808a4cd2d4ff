from django.urls import path

from tickets import views

app_name = "tickets"

urlpatterns = [
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("tickets/", views.TicketListView.as_view(), name="ticket_list"),
]
