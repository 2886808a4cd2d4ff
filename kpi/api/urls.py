from django.urls import path
from helpdesk.api.routers import Router

from kpi.api import views

router = Router()
router.register("reports", views.ReportViewSet, basename="kpi-report")
router.register("scorecards", views.ScorecardViewSet, basename="kpi-scorecard")

urlpatterns = [
    path("summary/", views.KpiSummaryView.as_view(), name="kpi-summary"),
    path("reviews/", views.KpiReviewBreakdownView.as_view(), name="kpi-review-breakdown"),
    path("definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    *router.urls,
]
