"""KPI reports: the daily CS report (客服信息日报表), the monthly report (月报) and on-demand exports.

What a report holds and its files; ``kpi.services`` requests, schedules and builds them.
"""

import csv
import datetime as dt
import io

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from helpdesk.models import Team, User
from helpdesk.spreadsheets import row_safe
from kpi.definitions import METRICS
from kpi.models import Report, ReportSubscription
from kpi.selectors import (
    breakdown_rates, kpi_breakdown, kpi_chart_sources, kpi_complaint_causes, kpi_daily_trend, kpi_facts_for_viewer,
    kpi_reviews_for_viewer, kpi_step_times, kpi_summary,
)
from reviews.selectors import review_kpi_breakdown

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BREAKDOWN_KEYS = ("first_response_time_mean", "average_response_time", "first_contact_resolution_rate",
                  "resolution_sla_rate", "complaint_timeliness_rate", "step_timeliness_rate")


def report_period(kind: str, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the period a scheduled report covers: yesterday, or last month."""
    if kind == Report.Kind.DAILY:
        day = today - dt.timedelta(days=1)
        return day, day
    last_day = today.replace(day=1) - dt.timedelta(days=1)
    return last_day.replace(day=1), last_day


def _report_viewer(report: Report):
    """Return whose scope the report is computed in: the requester's for exports, every team when scheduled."""
    return report.requested_by if report.kind == Report.Kind.EXPORT else None


def report_sections(report: Report, progress) -> list[tuple[str, list[str], list[list]]]:
    """Compute the report's tables: (sheet title, header, rows)."""
    viewer = _report_viewer(report)
    args = {"date_from": report.date_from, "date_to": report.date_to, "team": report.team, "channel": report.channel}
    figures = kpi_summary(viewer=viewer, **args)
    summary = [[str(m.name), figures[m.key]["value"], figures[m.key]["numerator"], figures[m.key]["denominator"],
                m.unit] for m in METRICS]
    progress(20)
    facts = kpi_facts_for_viewer(viewer=viewer, **args)
    metric_names = [str(next(m.name for m in METRICS if m.key == key)) for key in BREAKDOWN_KEYS]
    teams = dict(Team.objects.values_list("pk", "name"))
    team_rows = [[teams.get(row["team_id"], ""), row["volume"], row["complaints"],
                  *breakdown_rates(row).values()] for row in kpi_breakdown(facts, by="team")]
    progress(40)
    agent_rows_raw = kpi_breakdown(facts, by="agent")
    names = {u.pk: str(u) for u in User.objects.filter(
        pk__in=[r["agent_id"] for r in agent_rows_raw if r["agent_id"]]).only("pk", "username", "display_name", "first_name", "last_name")}
    agent_rows = [[names.get(row["agent_id"], _("Unassigned")), row["volume"], row["complaints"],
                   *breakdown_rates(row).values()] for row in agent_rows_raw]
    progress(60)
    _hours, days, categories = kpi_chart_sources({**args, "viewer": viewer})
    causes = [[row["name"] or _("Uncategorized"), row["n"], row["cumulative_percent"]]
              for row in kpi_complaint_causes(categories)]
    daily = [[row["day"].isoformat(), row["n"], round(row["frt"] or 0, 2), row["fcr"], row["resolved"]]
             for row in kpi_daily_trend(days)]
    reviews = kpi_reviews_for_viewer(viewer=viewer, date_from=report.date_from, date_to=report.date_to,
                                     team=report.team)
    review_rows = [[label, row["key"], row["reviews"], row["positive_rate"], row["negative_rate"]]
                   for by, label in (("shop", _("Shop")), ("sku", _("SKU")), ("team", _("Team")), ("agent", _("Agent")))
                   for row in review_kpi_breakdown(reviews, by=by)]
    steps = [[row["team"] or _("All teams"), row["step_label"], row["n"], row["median"], row["p90"]]
             for row in kpi_step_times(facts) + kpi_step_times(facts, by_team=False)]
    progress(80)
    per_head = [_("Tickets"), _("Complaints"), *metric_names]
    return [
        (_("Summary"), [_("Metric"), _("Value"), _("Numerator"), _("Denominator"), _("Unit")], summary),
        (_("Teams"), [_("Team"), *per_head], team_rows),
        (_("Agents"), [_("Agent"), *per_head], agent_rows),
        (_("Complaint causes"), [_("Category"), _("Complaints"), _("Cumulative %")], causes),
        (_("Reviews"), [_("By"), _("Name"), _("Reviews"), _("Positive review rate %"), _("Negative review rate %")],
         review_rows),
        (_("Complaint steps"), [_("Team"), _("Step"), _("Completed"), _("Median, business minutes"),
                                _("90th percentile, business minutes")], steps),
        (_("Daily"), [_("Day"), _("Tickets"), _("First response, minutes (mean)"), _("First-contact resolutions"),
                      _("Resolved")], daily),
    ]


def report_xlsx(report: Report, sections) -> bytes:
    """Return the sections as an XLSX workbook, one sheet each."""
    return sections_xlsx(f"{report.get_kind_display()} {report.date_from} – {report.date_to}", sections)


def sections_xlsx(caption: str, sections) -> bytes:
    """Return the sections as an XLSX workbook, one sheet each under a caption line."""
    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for title, header, rows in sections:
        sheet = book.create_sheet(title=title[:31])
        sheet.append([caption])
        sheet.append([_bold(sheet, value, bold) for value in row_safe(header)])
        for row in rows:
            sheet.append(row_safe(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _bold(sheet, value, font) -> WriteOnlyCell:
    """Return a bold header cell for a write-only sheet."""
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def report_csv(sections) -> bytes:
    """Return the sections as one CSV (UTF-8 with BOM so Excel reads Chinese), a blank line between tables."""
    out = io.StringIO()
    writer = csv.writer(out)
    for title, header, rows in sections:
        writer.writerow(row_safe([title]))
        writer.writerow(row_safe(header))
        writer.writerows(row_safe(row) for row in rows)
        writer.writerow([])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def report_email(*, report_id: int) -> int:
    """E-mail a finished scheduled report to its subscribers; return how many were sent to."""
    report = Report.objects.get(pk=report_id, status=Report.Status.DONE)
    recipients = list(ReportSubscription.objects.filter(kind=report.kind, user__is_active=True)
                      .exclude(user__email="").values_list("user__email", flat=True))
    if not recipients:
        return 0
    message = EmailMessage(
        subject=f"{report.get_kind_display()} {report.date_from} – {report.date_to}",
        body=_("The KPI report is attached."), from_email=settings.DEFAULT_FROM_EMAIL, to=recipients,
    )
    report.xlsx.open("rb")
    with report.xlsx:
        message.attach(report.xlsx.name.rsplit("/", 1)[-1], report.xlsx.read(), XLSX_TYPE)
    message.send()
    return len(recipients)
