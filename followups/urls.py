from django.urls import path

from followups import views

app_name = "followups"

urlpatterns = [
    path("follow-ups/", views.visit_list, name="visit_list"),
    path("follow-ups/report/", views.visit_report, name="visit_report"),
    path("follow-ups/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("follow-ups/<int:pk>/complete/", views.visit_complete_view, name="visit_complete"),
    path("follow-ups/<int:pk>/claim/", views.visit_claim_view, name="visit_claim"),
    path("follow-ups/<int:pk>/reschedule/", views.visit_reschedule_view, name="visit_reschedule"),
    path("follow-ups/<int:pk>/ticket/", views.visit_ticket_view, name="visit_ticket"),
    path("s/<str:token>/", views.survey_public, name="survey_public"),
]
