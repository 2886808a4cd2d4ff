"""Server-rendered KPI pages: the dashboard and the drill-down behind every number."""

import datetime as dt
import json

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView, View

from helpdesk.models import User
from kpi import quality, services
from kpi.api.serializers import (
    ConductRecordSerializer, KpiQuerySerializer, RatingSerializer, ScorecardPeriodQuerySerializer, TrainingNoteSerializer,
)
from kpi.definitions import METRICS, METRICS_BY_KEY
from kpi.downloads import report_file_response, table_response
from kpi.live import live_board_for_viewer
from kpi.models import ConductRecord, QualityCheckItem, Report
from kpi.reports import report_csv, sections_xlsx
from kpi.scorecards import period_bounds, scorecard_final
from kpi.selectors import (
    DRILL_SETS, REVIEW_BREAKDOWNS, conduct_agents_for_viewer, conduct_list_for_user, conduct_strikes, kpi_chart_sources, kpi_complaint_causes, kpi_csat_daily, kpi_daily_trend, kpi_drill_facts,
    kpi_facts_for_viewer, kpi_responses_for_viewer, kpi_review_breakdown, kpi_step_times, kpi_summary, kpi_team_ids_for_viewer, kpi_teams_for_viewer,
    kpi_drill_urls, kpi_volume_by_channel_hour, report_list_for_user, scorecard_list_for_user, scorecard_period_rows,
)
from tickets.models import ForbiddenPhrase, Ticket, TicketStep
from tickets.selectors import ticket_list_for_user

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

    def get(self, request, *args, **kwargs):
        if request.GET.get("section") == "steps":  # the step times, asked for by the page once it is shown
            period, _errors = self.period()
            return TemplateResponse(request, "kpi/dashboard.html#steps",
                                    {"step_times": step_time_table(kpi_facts_for_viewer(**self.figure_args(period)))})
        return super().get(request, *args, **kwargs)

    def figure_args(self, period: dict) -> dict:
        """Return the selectors' arguments for the period and its team, agent and channel filters."""
        filters = {key: period.get(key) for key in ("team", "agent")} | {"channel": period.get("channel", "")}
        return {"viewer": self.request.user, "date_from": period["date_from"], "date_to": period["date_to"], **filters}

    def get_context_data(self, **kwargs):
        period, errors = self.period()
        args = self.figure_args(period)
        figures = kpi_summary(**args)
        hours, days, categories = kpi_chart_sources(args)
        trend = kpi_daily_trend(days)
        charts = {
            "volume": kpi_volume_by_channel_hour(hours),
            "channels": dict(Ticket.Channel.choices),
            "trend": [{"day": row["day"].isoformat(), "n": row["n"], "frt": round(row["frt"] or 0, 1),
                       "fcr": round(100.0 * row["fcr"] / row["resolved"], 1) if row["resolved"] else 0}
                      for row in trend],
            "causes": kpi_complaint_causes(categories),
            "csat": [{"day": day.isoformat(), "mean": mean} for day, mean in
                     kpi_csat_daily(kpi_responses_for_viewer(**args)).items()],
            "labels": {"tickets": str(_("Tickets")), "frt": str(_("First response, minutes (mean)")),
                       "fcr": str(_("First-contact resolution, %")), "complaints": str(_("Complaints")),
                       "cumulative": str(_("Cumulative %")), "csat": str(_("Customer satisfaction (1–5)")), "uncategorized": str(_("Uncategorized"))},
        }
        query = self.request.GET.urlencode()
        tiles = []
        for metric in METRICS:
            url, denominator_url = kpi_drill_urls(metric.key, query=query, date_from=period["date_from"],
                                                  date_to=period["date_to"], team=period.get("team"),
                                                  agent=period.get("agent"))
            tiles.append({"metric": metric, "figure": figures[metric.key], "url": url,
                          "denominator_url": denominator_url})
        return super().get_context_data(title=_("KPI dashboard"), tiles=tiles, charts=charts,
                                        review_breakdowns=self.review_breakdowns(args),
                                        **self.filter_context(period, errors), **kwargs)

    def review_breakdowns(self, args: dict) -> list[dict]:
        """Return a page of each review breakdown; ``<by>_page`` pages one of them."""
        labels = {"shop": _("By shop"), "sku": _("By SKU"), "team": _("By team"), "agent": _("By agent")}
        reviews_args = {key: value for key, value in args.items() if key != "channel"}
        breakdowns = []
        for by in REVIEW_BREAKDOWNS:
            page = page_number(self.request.GET.get(f"{by}_page"))
            rows, has_next = kpi_review_breakdown(by=by, page=page, **reviews_args)
            params = self.request.GET.copy()
            params.pop(f"{by}_page", None)
            breakdowns.append({"by": by, "label": labels[by], "rows": rows, "page": page, "has_next": has_next,
                               "base_query": params.urlencode()})
        return breakdowns


def step_time_table(facts) -> dict:
    """Return the complaint steps and a row per team (then all teams) of each step's median and p90 seconds."""
    teams: dict = {}
    for row in kpi_step_times(facts) + kpi_step_times(facts, by_team=False):
        name = row["team"] if row["team_id"] else str(_("All teams"))
        teams.setdefault(name, {})[row["step"]] = {"n": row["n"], "median": row["median"] * 60, "p90": row["p90"] * 60}
    steps = TicketStep.Step.choices
    return {"steps": steps, "rows": [{"team": name, "cells": [cells.get(step) for step, _label in steps]}
                                     for name, cells in teams.items()]}


def page_number(value) -> int:
    """Return a page number from a query value: 1 for anything not a whole number from 1 to 10,000."""
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


class DrillView(KpiPageMixin, TemplateView):
    """The tickets behind one number of the dashboard (its numerator or denominator)."""

    template_name = "kpi/drill.html"

    def get_context_data(self, **kwargs):
        metric = METRICS_BY_KEY.get(self.kwargs["metric"])
        if metric is None or (metric.key not in DRILL_SETS and metric.key != "csat"):
            raise Http404
        wants_denominator = self.request.GET.get("part") == "denominator" and metric.unit != "count"
        part = "denominator" if wants_denominator else "numerator"
        period, errors = self.period()
        args = {"viewer": self.request.user, "date_from": period["date_from"], "date_to": period["date_to"],
                "team": period.get("team"), "agent": period.get("agent"), "channel": period.get("channel", "")}
        page = page_number(self.request.GET.get("page"))
        start = (page - 1) * DRILL_PAGE
        if metric.key == "csat":  # the survey responses behind the score
            chosen = kpi_responses_for_viewer(**args).select_related("ticket", "agent", "team").order_by(
                "-submitted_at", "-id")
        else:
            chosen = kpi_drill_facts(kpi_facts_for_viewer(**args), metric=metric.key, part=part)
        rows = list(chosen[start:start + DRILL_PAGE + 1])
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
        services.report_request(actor=request.user, date_from=period["date_from"], date_to=period["date_to"],
                                team=period.get("team"), channel=period.get("channel", ""))
        messages.success(request, _("The report is being generated; it appears below when ready."))
        return redirect("kpi:report_list")


class ReportDownloadView(LoginRequiredMixin, View):
    """Download a report's XLSX or CSV if the user may read it."""

    def get(self, request, pk: int, file_format: str):
        report = get_object_or_404(report_list_for_user(user=request.user), pk=pk)
        return report_file_response(report, file_format)


def scorecard_period_query(request) -> tuple[str, dt.date, dict]:
    """Return the period kind, its first day and the query errors (bad values fall back to this month)."""
    query = ScorecardPeriodQuerySerializer(data=request.GET)
    valid = query.is_valid()
    data = query.validated_data if valid else {}
    period = data.get("period", "month")
    first, _end = period_bounds(period, data.get("month") or timezone.localdate())
    return period, first, ({} if valid else query.errors)


class ScorecardListView(LoginRequiredMixin, TemplateView):
    """The scorecards of a month, quarter or year the user may read, ranked, with the Service Star."""

    template_name = "kpi/scorecard_list.html"

    def get_context_data(self, **kwargs):
        period, first, errors = scorecard_period_query(self.request)
        rows = scorecard_period_rows(user=self.request.user, period=period, first=first)
        if period == "month":
            unscored = scorecard_list_for_user(user=self.request.user).filter(month=first, final_score__isnull=True)
            rows += [{"agent": c.agent, "team": c.team, "volume": c.volume, "final_score": None, "rank": None,
                      "card": c, "is_service_star": False} for c in unscored.order_by("agent_id")]
        strikes = conduct_strikes(agent_ids=[r["agent"].pk for r in rows], first=first,
                                  end=period_bounds(period, first)[1])
        for row in rows:
            row["strikes"] = strikes.get(row["agent"].pk, [])
        return super().get_context_data(title=_("Agent scorecards"), active_section="scorecards", month=first,
                                        period=period, rows=rows, errors=errors, **kwargs)


class ScorecardExportView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Download the ranked scorecards of a month, quarter or year for HR (XLSX or CSV)."""

    permission_required = "kpi.view_dashboard"

    def get(self, request):
        period, first, errors = scorecard_period_query(request)
        if errors:
            return HttpResponseBadRequest(json.dumps(errors, ensure_ascii=False), content_type="application/json")
        file_format = request.GET.get("file_format", "xlsx")
        rows = scorecard_period_rows(user=request.user, period=period, first=first)
        header = [_("Rank"), _("Agent"), _("Team"), _("Months"), _("Tickets"), _("Final score"),
                  _("Service Star 服务之星")]
        table = [[r["rank"], str(r["agent"]), r["team"].name if r["team"] else "",
                  r["months"], r["volume"], r["final_score"], "★" if r["is_service_star"] else ""] for r in rows]
        label = {"month": f"{first:%Y-%m}", "quarter": f"{first.year}-Q{(first.month + 2) // 3}",
                 "year": f"{first.year}"}[period]
        sections = [(str(_("Scorecards")), [str(h) for h in header], table)]
        content = report_csv(sections) if file_format == "csv" else sections_xlsx(f"{_('Scorecards')} {label}", sections)
        return table_response(content, filename=f"scorecards-{label}", file_format=file_format)


class ScorecardDetailView(LoginRequiredMixin, TemplateView):
    """One scorecard with the arithmetic of its final score; the supervisor rates, the agent self-assesses."""

    template_name = "kpi/scorecard_detail.html"

    def card(self):
        return get_object_or_404(scorecard_list_for_user(user=self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        card = kwargs.pop("card", None) or self.card()
        final, parts = scorecard_final(card, card.scheme)
        user = self.request.user
        may_rate = card.agent_id != user.pk and user.has_perm("kpi.view_dashboard")
        first, end = period_bounds("month", card.month)
        conduct = conduct_list_for_user(user=user).filter(agent_id=card.agent_id, date__gte=first, date__lt=end)
        strikes = conduct_strikes(agent_ids=[card.agent_id], first=first, end=end).get(card.agent_id, [])
        return super().get_context_data(title=_("Scorecard"), active_section="scorecards", card=card, parts=parts,
                                        may_rate=may_rate, is_own=card.agent_id == user.pk, conduct=conduct,
                                        strikes=strikes, training=card.training_notes.select_related("created_by"),
                                        **kwargs)

    def post(self, request, pk):
        card = self.card()
        if request.POST.get("as") == "training":
            return self.training_add(request, card)
        rating = RatingSerializer(data=request.POST)
        if not rating.is_valid():
            context = self.get_context_data(card=card, errors=rating.errors)
            return self.render_to_response(context, status=400)
        service = services.scorecard_self_assess if request.POST.get("as") == "self" else services.scorecard_rate
        service(scorecard=card, actor=request.user, **rating.validated_data)
        messages.success(request, _("Saved; the final score is recomputed."))
        return redirect("kpi:scorecard_detail", pk=card.pk)

    def training_add(self, request, card):
        note = TrainingNoteSerializer(data=request.POST)
        if not note.is_valid():
            return self.render_to_response(self.get_context_data(card=card, errors=note.errors), status=400)
        services.training_note_add(actor=request.user, scorecard=card, **note.validated_data)
        messages.success(request, _("Training note saved; the agent sees it on the scorecard."))
        return redirect("kpi:scorecard_detail", pk=card.pk)


class ConductView(LoginRequiredMixin, TemplateView):
    """Conduct records (奖惩记录): agents read their own; supervisors record and read their teams' agents'."""

    template_name = "kpi/conduct.html"
    page_size = 50

    def get_context_data(self, **kwargs):
        user = self.request.user
        records = conduct_list_for_user(user=user)
        page = Paginator(records, self.page_size).get_page(self.request.GET.get("page"))
        agents = conduct_agents_for_viewer(viewer=user)
        return super().get_context_data(title=_("Conduct record"), active_section="scorecards", page=page,
                                        agents=agents, kinds=ConductRecord.Kind.choices,
                                        categories=ConductRecord.Category.choices, today=timezone.localdate(),
                                        **kwargs)

    def post(self, request):
        if not request.user.has_perm("kpi.view_dashboard"):
            raise PermissionDenied
        record = ConductRecordSerializer(data=request.POST)
        if not record.is_valid():
            return self.render_to_response(self.get_context_data(errors=record.errors), status=400)
        try:
            services.conduct_record_create(actor=request.user, **record.validated_data)
        except PermissionDenied:
            errors = {"agent": [_("Choose an agent of your teams.")]}
            return self.render_to_response(self.get_context_data(errors=errors), status=400)
        messages.success(request, _("Conduct record saved."))
        return redirect("kpi:conduct")


class QualityView(KpiPageMixin, TemplateView):
    """Quality inspection (质检): sample conversations of the period, and the latest inspections."""

    template_name = "kpi/quality.html"

    def get_context_data(self, **kwargs):
        period, errors = self.period()
        sample = []
        if self.request.GET.get("sample"):
            facts = kpi_facts_for_viewer(viewer=self.request.user, date_from=period["date_from"],
                                         date_to=period["date_to"], team=period.get("team"),
                                         agent=period.get("agent"), channel=period.get("channel", ""))
            try:
                size = int(self.request.GET.get("size", 10))
            except ValueError:
                size = 10
            sample = quality.quality_sample(facts, size=size)
            found = quality.quality_language_hits(ticket_ids=[f.ticket_id for f in sample])
            for fact in sample:
                fact.language_hits = sorted(found.get(fact.ticket_id, {}).items())
        recent = quality.quality_inspections_for_user(user=self.request.user)[:30]
        return super().get_context_data(title=_("Quality inspection"), sample=sample, recent=recent,
                                        phrase_kinds=dict(ForbiddenPhrase.Kind.choices),
                                        **self.filter_context(period, errors), **kwargs)


class InspectView(KpiPageMixin, TemplateView):
    """Score one conversation on the checklist, reading its thread."""

    template_name = "kpi/inspect.html"

    def ticket(self):
        return get_object_or_404(ticket_list_for_user(user=self.request.user), pk=self.kwargs["ticket_id"])

    def get_context_data(self, **kwargs):
        ticket = kwargs.pop("ticket", None) or self.ticket()
        thread = quality.quality_thread_for_viewer(ticket=ticket, viewer=self.request.user)
        items = QualityCheckItem.objects.filter(is_active=True)
        return super().get_context_data(title=_("Inspect a conversation"), active_section="kpi", ticket=ticket,
                                        thread=thread, items=items, **kwargs)

    def post(self, request, ticket_id):
        ticket = self.ticket()
        scores = {}
        for key, value in request.POST.items():
            if key.startswith("item_") and value.strip().isdigit():
                scores[int(key[5:])] = int(value)
        try:
            services.quality_inspection_create(actor=request.user, ticket=ticket, scores=scores,
                                               comment=request.POST.get("comment", "")[:4000])
        except ValidationError as exc:
            context = self.get_context_data(ticket=ticket, errors=exc.message_dict)
            return self.render_to_response(context, status=400)
        messages.success(request, _("Inspection saved."))
        return redirect("kpi:quality")


class MyInspectionsView(LoginRequiredMixin, TemplateView):
    """The inspections of the user's own conversations, with each item's score."""

    template_name = "kpi/my_inspections.html"

    def get_context_data(self, **kwargs):
        inspections = quality.quality_inspections_for_user(user=self.request.user).filter(agent=self.request.user)[:50]
        return super().get_context_data(title=_("My quality inspections"), active_section="scorecards",
                                        inspections=inspections, **kwargs)


class LiveBoardView(LoginRequiredMixin, PermissionRequiredMixin, TemplateView):
    """The live board for supervisors and up; htmx refreshes it every 10 seconds."""

    permission_required = "kpi.view_dashboard"
    template_name = "kpi/live.html"

    def get_template_names(self):
        return ["kpi/live.html#board"] if self.request.headers.get("HX-Request") else [self.template_name]

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=_("Live board"), active_section="kpi",
                                        board=live_board_for_viewer(viewer=self.request.user), **kwargs)
