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

urlpatterns += [
    path("kpi/scorecards/", views.ScorecardListView.as_view(), name="scorecard_list"),
    path("kpi/scorecards/export/", views.ScorecardExportView.as_view(), name="scorecard_export"),
    path("kpi/scorecards/<int:pk>/", views.ScorecardDetailView.as_view(), name="scorecard_detail"),
    path("kpi/conduct/", views.ConductView.as_view(), name="conduct"),
    path("kpi/quality/", views.QualityView.as_view(), name="quality"),
    path("kpi/quality/inspect/<int:ticket_id>/", views.InspectView.as_view(), name="inspect"),
    path("kpi/quality/mine/", views.MyInspectionsView.as_view(), name="my_inspections"),
]
urlpatterns += [path("kpi/live/", views.LiveBoardView.as_view(), name="live")]
