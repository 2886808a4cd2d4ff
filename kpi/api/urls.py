from django.urls import path
from rest_framework.routers import SimpleRouter

from kpi.api import views

router = SimpleRouter()
router.register("reports", views.ReportViewSet, basename="kpi-report")
router.register("scorecards", views.ScorecardViewSet, basename="kpi-scorecard")

urlpatterns = [
    path("summary/", views.KpiSummaryView.as_view(), name="kpi-summary"),
    path("definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    *router.urls,
]
