"""Reads of follow-up visits, surveys and messages, scoped to the viewer's teams (managers see all)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Avg, Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from followups.models import CustomerMessage, FollowUpVisit, SurveyQuestion, SurveyResponse
from followups.tokens import survey_links_hidden
from helpdesk.roles import RANK, Role, primary_role
from helpdesk.teams import team_ids_for_user

Visit = FollowUpVisit


def _scope(viewer, *, team_field: str, person_field: str) -> Q | None:
    """Return the filter of rows the viewer may see; None means all."""
    role = primary_role(viewer) if viewer and viewer.is_authenticated else None
    if role is None:
        return Q(pk__in=[])
    if RANK[role] >= RANK[Role.MANAGER]:
        return None
    return Q(**{f"{team_field}__in": team_ids_for_user(user=viewer)}) | Q(**{person_field: viewer})


def visit_queryset_for_viewer(*, viewer) -> QuerySet[FollowUpVisit]:
    """Return the visits the viewer may see: their own and their teams' (managers: all)."""
    if not (viewer and viewer.is_authenticated and viewer.has_perm("followups.view_followupvisit")):
        return FollowUpVisit.objects.none()
    scope = _scope(viewer, team_field="team_id", person_field="assignee")
    visits = FollowUpVisit.objects.all() if scope is None else FollowUpVisit.objects.filter(scope)
    # Only what lists show: every join more costs planning time on each page.
    return visits.select_related("customer", "rule", "order", "ticket", "return_request")


def visit_get_for_viewer(*, viewer, pk) -> FollowUpVisit:
    """Return one visit the viewer may see, or raise Http404."""
    try:
        return visit_queryset_for_viewer(viewer=viewer).get(pk=int(pk))
    except (FollowUpVisit.DoesNotExist, ValueError, TypeError, OverflowError):
        raise Http404("No such visit") from None


def _today_bounds(now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    local = timezone.localtime(now)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return start, start + dt.timedelta(days=1)


def visit_urgency(visit: FollowUpVisit, *, now: dt.datetime) -> str:
    """Return the SLA-style colour of a visit to do: bad (overdue from an earlier day), warn (due now), ok."""
    start, _end = _today_bounds(now)
    if visit.due_at < start:
        return "sla-bad"
    if visit.due_at <= now:
        return "sla-warn"
    return "sla-ok"


def visit_list_today_for(*, viewer, now: dt.datetime | None = None, mine: bool = True, limit: int = 100) -> list[FollowUpVisit]:
    """Return the viewer's visits to do by the end of today (overdue first), or their teams' unassigned ones."""
    now = now or timezone.now()
    _start, end = _today_bounds(now)
    visits = visit_queryset_for_viewer(viewer=viewer).filter(status=Visit.Status.PENDING, due_at__lt=end)
    if mine:
        visits = visits.filter(assignee=viewer)
    else:
        visits = visits.filter(assignee__isnull=True, kind="call",
                               team_id__in=team_ids_for_user(user=viewer))
    rows = list(visits.order_by("due_at", "id")[:limit])
    for visit in rows:
        visit.urgency = visit_urgency(visit, now=now)
    return rows


def visit_report_per_agent(*, viewer, since: dt.datetime, now: dt.datetime | None = None) -> list[dict]:
    """Return, per assignee, the call visits due since an instant: total, done, to do, overdue, completion rate."""
    now = now or timezone.now()
    visits = visit_queryset_for_viewer(viewer=viewer).filter(due_at__gte=since, due_at__lte=now, assignee__isnull=False,
                                                             kind="call")
    rows = (visits.order_by().values("assignee_id", "assignee__display_name", "assignee__username")
            .annotate(total=Count("pk", filter=~Q(status__in=[Visit.Status.SKIPPED, Visit.Status.CANCELLED])),
                      done=Count("pk", filter=Q(status=Visit.Status.DONE)),
                      reached=Count("pk", filter=Q(outcome="reached")),
                      overdue=Count("pk", filter=Q(status=Visit.Status.PENDING))))
    report = []
    for row in rows:
        total = row["total"]
        report.append({
            "assignee_id": row["assignee_id"],
            "name": row["assignee__display_name"] or row["assignee__username"],
            "total": total, "done": row["done"], "reached": row["reached"], "overdue": row["overdue"],
            "completion_rate": round(100 * row["done"] / total, 1) if total else None,
        })
    return sorted(report, key=lambda r: (-(r["overdue"]), r["name"]))


def survey_response_queryset_for_viewer(*, viewer) -> QuerySet[SurveyResponse]:
    """Return the survey responses a supervisor and up may read: their teams' and their own (managers: all)."""
    if not (viewer and viewer.is_authenticated and viewer.has_perm("followups.view_surveyresponse")):
        return SurveyResponse.objects.none()
    scope = _scope(viewer, team_field="team_id", person_field="agent")
    responses = SurveyResponse.objects.all() if scope is None else SurveyResponse.objects.filter(scope)
    return responses.select_related("customer", "agent", "team", "ticket", "order", "return_request", "low_score_ticket")


def survey_satisfaction_by_agent(*, start: dt.datetime, end: dt.datetime) -> dict[int, float]:
    """Return each handling agent's mean weighted survey score (客户满意度, 1–5) over responses in the period."""
    rows = (SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end, agent__isnull=False)
            .order_by().values("agent_id").annotate(mean=Avg("score")))
    return {row["agent_id"]: round(float(row["mean"]), 2) for row in rows}


def survey_questions() -> list[SurveyQuestion]:
    """Return the active dimension questions in order."""
    return list(SurveyQuestion.objects.filter(is_active=True).order_by("position", "code"))


# Rows linked to a customer that the archive's timeline shows through customer_timeline_sources.
TIMELINE_MODELS = {"followups.followupvisit", "followups.customermessage", "followups.surveyresponse",
                   "followups.survey"}


def customer_timeline_sources(*, customer, text, viewer):
    """Yield the timeline sources of follow-up visits, messages sent (with their status) and survey responses.

    As far as the viewer may open them: visits of their teams and their own, the messages of those visits,
    survey responses to supervisors and up of the team (managers: everything).
    """

    def visit_row(v):
        state = v.get_status_display() + (f" · {v.get_outcome_display()}" if v.outcome else "")
        state += f" · {v.get_skip_reason_display()}" if v.skip_reason else ""
        return (f"{v.get_kind_display()} · {v.rule.name if v.rule else ''}", state, str(v.assignee or ""))

    visits = FollowUpVisit.objects.filter(customer=customer).select_related("rule", "assignee")
    sent = CustomerMessage.objects.filter(customer=customer)
    responses = SurveyResponse.objects.filter(customer=customer)
    visit_scope = _scope(viewer, team_field="team_id", person_field="assignee")
    if not viewer.has_perm("followups.view_followupvisit"):
        visible_visits, visible_sent = visits.none(), sent.none()
    elif visit_scope is None:
        visible_visits, visible_sent = visits, sent
    else:
        visible_visits = visits.filter(visit_scope)
        # A visit's messages go with the visit, a ticket's with the ticket's team; the other notices (a return
        # without a ticket) with the customer's archive.
        visible_sent = sent.filter(
            Q(visit__in=visible_visits.values("pk"))
            | Q(visit__isnull=True, ticket__isnull=True)
            | Q(visit__isnull=True, ticket__team_id__in=team_ids_for_user(user=viewer))
            | Q(visit__isnull=True, ticket__assignee=viewer))
    if not viewer.has_perm("followups.view_surveyresponse"):
        visible_responses = responses.none()
    else:
        response_scope = _scope(viewer, team_field="team_id", person_field="agent")
        visible_responses = responses if response_scope is None else responses.filter(response_scope)
    yield ("visit", _("Follow-up visit"), visits, visible_visits, "created_at", visit_row)
    yield ("outbound", _("Message sent"), sent, visible_sent, "created_at",
           lambda m: (f"{m.get_channel_display()} · {m.get_kind_display()} · {m.get_status_display()}",
                      text(survey_links_hidden(m.body)[:200]), m.error[:100]))
    yield ("survey", _("Survey response"), responses, visible_responses, "submitted_at",
           lambda r: (f"{r.overall}/5 · {r.score}", text(r.comment[:200]), ""))
