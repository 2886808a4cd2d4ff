from django.urls import path

from tickets import views, views_canned, views_list, views_tasks

app_name = "tickets"

urlpatterns = [
    path("inbox/", views_list.InboxView.as_view(), name="inbox"),
    path("tickets/", views_list.TicketListView.as_view(), name="ticket_list"),
    path("tickets/views/<int:pk>/delete/", views_list.SavedViewDeleteView.as_view(), name="saved_view_delete"),
    path("tickets/bulk/", views.TicketBulkView.as_view(), name="ticket_bulk"),
    path("tickets/<int:pk>/", views.TicketDetailView.as_view(), name="ticket_detail"),
    path("calls/new/", views.call_new, name="call_new"),
    path("tickets/<int:pk>/canned/", views.CannedReplySearchView.as_view(), name="canned_search"),
    path("tickets/<int:pk>/reveal/", views.TicketRevealView.as_view(), name="ticket_reveal"),
    path("tickets/<int:pk>/presence/", views.TicketPresenceView.as_view(), name="ticket_presence"),
    path("tickets/<int:pk>/<slug:action>/", views.TicketActionView.as_view(), name="ticket_action"),
    path("attachments/<int:pk>/", views.AttachmentDownloadView.as_view(), name="attachment_download"),
    path("tasks/", views_tasks.TaskQueueView.as_view(), name="task_queue"),
    path("tasks/<int:pk>/<slug:action>/", views_tasks.TaskActionView.as_view(), name="task_action"),
    path("canned-replies/", views_canned.CannedReplyListView.as_view(), name="canned_list"),
    path("canned-replies/new/", views_canned.CannedReplyCreateView.as_view(), name="canned_create"),
    path("canned-replies/<int:pk>/edit/", views_canned.CannedReplyEditView.as_view(), name="canned_edit"),
    path("canned-replies/<int:pk>/delete/", views_canned.CannedReplyDeleteView.as_view(), name="canned_delete"),
]
