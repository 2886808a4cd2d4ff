from django.urls import path

from tickets import views, views_phone

app_name = "tickets"

urlpatterns = [
    path("inbox/", views.InboxView.as_view(), name="inbox"),
    path("tickets/", views.TicketListView.as_view(), name="ticket_list"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket_detail"),
    path("calls/new/", views_phone.PhoneCallNewView.as_view(), name="call_new"),
    path("tickets/<int:pk>/canned/", views.CannedReplySearchView.as_view(), name="canned_search"),
    path("tickets/<int:pk>/<slug:action>/", views.TicketActionView.as_view(), name="ticket_action"),
]
