from django.urls import path

from customers import views

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
]
