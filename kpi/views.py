"""Server-rendered KPI pages: the dashboard and the drill-down behind every number."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from helpdesk.models import User
from kpi import reports
from kpi.api.serializers import KpiQuerySerializer
from kpi.definitions import METRICS, METRICS_BY_KEY
from kpi.downloads import report_file_response
from kpi.models import Report
from kpi.selectors import (
    DRILL_SETS, kpi_complaint_causes, kpi_daily_trend, kpi_drill_facts, kpi_facts_for_viewer, kpi_summary,
    kpi_team_ids_for_viewer, kpi_teams_for_viewer, kpi_volume_by_channel_hour, report_list_for_user,
)
from tickets.models import Ticket

DRILL_PAGE = 50


class KpiPageMixin(LoginRequiredMixin, PermissionRequiredMixin):
    """Parse the period and filters shared by the KPI pages; bad values are shown, defaults used."""

    permission_required = "kpi.view_dashboard"

    def period(self):
        query = KpiQuerySerializer(data=self.request.GET, context={"request": self.request})
        if query.is_valid():
            return query.validated_data, {}
        fallback = KpiQuerySerializer(data={}, context={"request": self.request})
        fallback.is_valid(raise_exception=True)
        return fallback.validated_data, query.errors

    def filter_context(self, period, errors) -> dict:
        scope = kpi_team_ids_for_viewer(viewer=self.request.user)
        agents = User.objects.filter(is_active=True).order_by("username")
        if scope is not None:
            agents = agents.filter(teams__in=scope).distinct()
        return {
            "active_section": "kpi", "period": period, "errors": errors,
            "teams": kpi_teams_for_viewer(viewer=self.request.user), "agents": agents,
            "channels": Ticket.Channel.choices, "query": self.request.GET.urlencode(),
        }


class DashboardView(KpiPageMixin, TemplateView):
    """The KPI dashboard for supervisors and up: every indicator of the period with charts."""

    template_name = "kpi/dashboard.html"

    def get_context_data(self, **kwargs):
        period, errors = self.period()
        filters = {key: period.get(key) for key in ("team", "agent")} | {"channel": period.get("channel", "")}
        args = {"viewer": self.request.user, "date_from": period["date_from"], "date_to": period["date_to"], **filters}
        figures = kpi_summary(**args)
        facts = kpi_facts_for_viewer(**args)
        trend = kpi_daily_trend(facts)
        charts = {
            "volume": kpi_volume_by_channel_hour(facts),
            "channels": dict(Ticket.Channel.choices),
            "trend": [{"day": row["day"].isoformat(), "n": row["n"], "frt": round(row["frt"] or 0, 1),
                       "fcr": round(100.0 * row["fcr"] / row["resolved"], 1) if row["resolved"] else 0}
                      for row in trend],
            "causes": kpi_complaint_causes(facts),
            "labels": {"tickets": str(_("Tickets")), "frt": str(_("First response, minutes (mean)")),
                       "fcr": str(_("First-contact resolution, %")), "complaints": str(_("Complaints")),
                       "cumulative": str(_("Cumulative %")), "uncategorized": str(_("Uncategorized"))},
        }
        tiles = [{"metric": metric, "figure": figures[metric.key], "drillable": metric.key in DRILL_SETS}
                 for metric in METRICS]
        return super().get_context_data(title=_("KPI dashboard"), tiles=tiles, charts=charts,
                                        **self.filter_context(period, errors), **kwargs)


class DrillView(KpiPageMixin, TemplateView):
    """The tickets behind one number of the dashboard (its numerator or denominator)."""

    template_name = "kpi/drill.html"

    def get_context_data(self, **kwargs):
        metric = METRICS_BY_KEY.get(self.kwargs["metric"])
        if metric is None or metric.key not in DRILL_SETS:
            raise Http404
        wants_denominator = self.request.GET.get("part") == "denominator" and metric.unit != "count"
        part = "denominator" if wants_denominator else "numerator"
        period, errors = self.period()
        facts = kpi_facts_for_viewer(
            viewer=self.request.user, date_from=period["date_from"], date_to=period["date_to"],
            team=period.get("team"), agent=period.get("agent"), channel=period.get("channel", ""),
        )
        try:
            page = max(1, min(int(self.request.GET.get("page", 1)), 10_000))
        except ValueError:
            page = 1
        start = (page - 1) * DRILL_PAGE
        rows = list(kpi_drill_facts(facts, metric=metric.key, part=part)[start:start + DRILL_PAGE + 1])
        params = self.request.GET.copy()
        params.pop("page", None)
        return super().get_context_data(
            title=metric.name, metric=metric, part=part, rows=rows[:DRILL_PAGE], page=page,
            has_next=len(rows) > DRILL_PAGE, base_query=params.urlencode(), now=timezone.now(),
            **self.filter_context(period, errors),
        )


class ReportListView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """Reports the user may download, with progress while they are generated (htmx polls the rows)."""

    permission_required = "kpi.view_dashboard"
    template_name = "kpi/report_list.html"

    def get_template_names(self):
        if self.request.headers.get("HX-Request"):
            return ["kpi/report_list.html#rows"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        rows = list(report_list_for_user(user=self.request.user)[:50])
        busy = any(r.status in (Report.Status.PENDING, Report.Status.RUNNING) for r in rows)
        return super().get_context_data(title=_("KPI reports"), active_section="kpi", reports=rows, busy=busy,
                                        **kwargs)


class ReportCreateView(KpiPageMixin, View):
    """Queue an export of the dashboard view the user is looking at."""

    def post(self, request):
        query = KpiQuerySerializer(data=request.POST, context={"request": request})
        if not query.is_valid():
            messages.error(request, _("The report was not started: %(errors)s") % {
                "errors": "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in query.errors.items())})
            return redirect("kpi:dashboard")
        period = query.validated_data
        reports.report_request(actor=request.user, date_from=period["date_from"], date_to=period["date_to"],
                               team=period.get("team"), channel=period.get("channel", ""))
        messages.success(request, _("The report is being generated; it appears below when ready."))
        return redirect("kpi:report_list")


class ReportDownloadView(LoginRequiredMixin, View):
    """Download a report's XLSX or CSV if the user may read it."""

    def get(self, request, pk: int, file_format: str):
        report = get_object_or_404(report_list_for_user(user=request.user), pk=pk)
        return report_file_response(report, file_format)
