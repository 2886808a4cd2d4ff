"""Server-rendered KPI pages."""

from django.utils.translation import gettext_lazy as _

from helpdesk.views import SectionView


class DashboardView(SectionView):
    """The KPI dashboard for supervisors and up."""

    permission_required = "kpi.view_dashboard"
    section = "kpi"
    title = _("KPI")
    summary = _("Service KPIs, agent scorecards, quality inspection and reports.")
    features = (
        _("First response time, resolution rate, complaint timeliness, satisfaction"),
        _("Monthly agent scorecards and the Service Star"),
        _("Daily and monthly reports"),
    )
