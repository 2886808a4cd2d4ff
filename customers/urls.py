from django.urls import path

from customers import followup_views, views

app_name = "customers"

urlpatterns = [
    path("customers/", views.customer_list, name="customer_list"),
    path("customers/new/", views.customer_create_view, name="customer_create"),
    path("customers/export.csv", views.customer_export, name="customer_export"),
    path("customers/reviews/", views.review_queue, name="review_queue"),
    path("customers/duplicates/", views.duplicate_list, name="duplicate_list"),
    path("customers/audit/reveals/", views.reveal_audit, name="reveal_audit"),
    path("customers/import/", views.import_upload, name="import_upload"),
    path("customers/import/<int:pk>/", views.import_detail, name="import_detail"),
    path("customers/import/<int:pk>/errors.csv", views.import_errors_csv, name="import_errors"),
    path("customers/<int:pk>/", views.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/edit/", views.customer_edit, name="customer_edit"),
    path("customers/<int:pk>/timeline/", views.customer_timeline_page, name="customer_timeline"),
    path("customers/<int:pk>/reveal/", views.customer_reveal_view, name="customer_reveal"),
    path("customers/<int:pk>/review/", views.customer_review_submit_view, name="customer_review_submit"),
    path("customers/<int:pk>/review/<int:review_id>/", views.customer_review_decide_view, name="customer_review_decide"),
    path("customers/<int:pk>/personal-data/", views.customer_personal_data, name="customer_personal_data"),
    path("customers/<int:pk>/anonymize/", views.customer_anonymize_view, name="customer_anonymize"),
    path("follow-ups/", followup_views.visit_list, name="visit_list"),
    path("follow-ups/report/", followup_views.visit_report, name="visit_report"),
    path("follow-ups/<int:pk>/", followup_views.visit_detail, name="visit_detail"),
    path("follow-ups/<int:pk>/complete/", followup_views.visit_complete_view, name="visit_complete"),
    path("follow-ups/<int:pk>/claim/", followup_views.visit_claim_view, name="visit_claim"),
    path("follow-ups/<int:pk>/reschedule/", followup_views.visit_reschedule_view, name="visit_reschedule"),
    path("follow-ups/<int:pk>/ticket/", followup_views.visit_ticket_view, name="visit_ticket"),
    path("s/<str:token>/", followup_views.survey_public, name="survey_public"),
]
