from django.urls import path

from kpi.api import views

urlpatterns = [
    path("kpi/summary/", views.KpiSummaryView.as_view(), name="kpi-summary"),
    path("kpi/definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
]
