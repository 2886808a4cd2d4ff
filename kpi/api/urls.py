from django.urls import include, path
from helpdesk.api.routers import Router

from kpi.api import views

router = Router()
router.register("reports", views.ReportViewSet, basename="kpi-report")
router.register("scorecards", views.ScorecardViewSet, basename="kpi-scorecard")

conduct = Router()
conduct.register("conduct", views.ConductRecordViewSet, basename="kpi-conduct")

kpi_urls = [
    path("summary/", views.KpiSummaryView.as_view(), name="kpi-summary"),
    path("reviews/", views.KpiReviewBreakdownView.as_view(), name="kpi-review-breakdown"),
    path("definitions/", views.KpiDefinitionsView.as_view(), name="kpi-definitions"),
    *router.urls,
]

# Under /api/v1/: the KPIs behind their prefix, the conduct record at conduct/.
urlpatterns = [path("kpi/", include(kpi_urls)), *conduct.urls]
