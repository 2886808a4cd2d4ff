from django.urls import path

from kpi import views

app_name = "kpi"

urlpatterns = [
    path("kpi/", views.DashboardView.as_view(), name="dashboard"),
    path("kpi/drill/<slug:metric>/", views.DrillView.as_view(), name="drill"),
    path("kpi/reports/", views.ReportListView.as_view(), name="report_list"),
    path("kpi/reports/new/", views.ReportCreateView.as_view(), name="report_create"),
    path("kpi/reports/<int:pk>/<str:file_format>/", views.ReportDownloadView.as_view(), name="report_download"),
]
