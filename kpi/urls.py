from django.urls import path

from kpi import views

app_name = "kpi"

urlpatterns = [
    path("kpi/", views.DashboardView.as_view(), name="dashboard"),
    path("kpi/drill/<slug:metric>/", views.DrillView.as_view(), name="drill"),
]
