from django.urls import path
from rest_framework.routers import SimpleRouter

from kpi.api import views

router = SimpleRouter()
router.register("kpi/reports", views.ReportViewSet, basename="kpi-report")
router.register("kpi/scorecards", views.ScorecardViewSet, basename="kpi-scorecard")

urlpatterns = [
    path("kpi/summary/", views.KpiSummaryView.as_view(), name="kpi-summary"),
    path("kpi/definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    *router.urls,
]
