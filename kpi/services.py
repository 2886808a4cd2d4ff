"""Every write of the KPIs: facts and rollups, reports, quality inspections (质检), scorecards (绩效考核), conduct records.

These are the entry points views, the API, tasks and commands call. The work they hand out stays in the
modules named after it: ``facts.py`` measures tickets, ``rollups.py`` aggregates the facts, ``reports.py``
builds the report files, ``scorecards.py`` scores the indicators.
"""

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from helpdesk.enqueue import SWEEP_BATCH, SWEEP_GRACE, enqueue_each, enqueue_on_commit
from helpdesk.teams import team_ids_for_user
from kpi import ranking, reports, scorecards
from kpi.facts import BATCH, LATE_COMMIT, ticket_facts_refresh
from kpi.models import (
    ConductRecord, FactCursor, PeriodScorecard, QualityCheckItem, QualityInspection, QualityScore, Report, Scorecard, TicketFact, TrainingNote,
)
from kpi.policies import kpi_settings_get
from kpi.rollups import days_of, fact_rollups_refresh, review_rollups_refresh
from kpi.selectors import kpi_team_ids_for_viewer
from reviews.models import Review, ReviewRevision
from tickets.models import Ticket

logger = logging.getLogger(__name__)


def ticket_facts_sweep_changed(*, now: dt.datetime | None = None, limit: int = 20 * BATCH) -> int:
    """Refresh the facts of tickets changed since the last sweep; return how many were refreshed."""
    now = now or timezone.now()
    with transaction.atomic():
        cursor, _created = FactCursor.objects.select_for_update().get_or_create(
            name="tickets", defaults={"position": dt.datetime(2000, 1, 1, tzinfo=dt.UTC)}
        )
        changed = list(
            Ticket.objects.filter(updated_at__gt=cursor.position)
            .order_by("updated_at").values_list("pk", "updated_at")[:limit]
        )
        for start in range(0, len(changed), BATCH):
            ticket_facts_refresh(ticket_ids=[pk for pk, _at in changed[start:start + BATCH]])
        created = TicketFact.objects.filter(pk__in=[pk for pk, _at in changed]).values_list("created_at", flat=True)
        # Conversions of recent pre-sales chats change as orders arrive, without touching the tickets.
        window = kpi_settings_get().conversion_window_days
        recent = {timezone.localdate(now) - dt.timedelta(days=n) for n in range(window + 1)}
        fact_rollups_refresh(days=days_of(created) | recent)
        review_rollups_refresh(days=_review_days_changed(now, [pk for pk, _at in changed]))
        reached = changed[-1][1] if len(changed) == limit else now - LATE_COMMIT
        if reached > cursor.position:
            cursor.position = reached
            cursor.save(update_fields=["position"])
    return len(changed)


def _review_days_changed(now: dt.datetime, ticket_ids: list[int]) -> set[dt.date]:
    """Return the local days whose review rollups changed since the review cursor, and move the cursor.

    A day changes when one of its reviews is received or revised (a revision may move a review to another
    day: both count), or when a 差评 ticket of its reviews changed (its first-contact timer).
    """
    # The rollups start filled (migration kpi.0016): a first sweep looks back a day, not through every review.
    cursor, _created = FactCursor.objects.select_for_update().get_or_create(
        name="reviews", defaults={"position": now - dt.timedelta(days=1)})
    tz = timezone.get_current_timezone()
    touched = Review.objects.filter(Q(updated_at__gt=cursor.position) | Q(ticket_id__in=ticket_ids))
    days = set(touched.annotate(day=TruncDate("reviewed_at", tzinfo=tz)).values_list("day", flat=True).distinct())
    earlier = ReviewRevision.objects.filter(review__updated_at__gt=cursor.position, replaced_at__gt=cursor.position)
    days |= set(earlier.annotate(day=TruncDate("reviewed_at", tzinfo=tz)).values_list("day", flat=True).distinct())
    if now - LATE_COMMIT > cursor.position:
        cursor.position = now - LATE_COMMIT
        cursor.save(update_fields=["position"])
    return days


def rollups_reconcile(*, days: int = 92) -> int:
    """Recompute the fact and review rollups of the last ``days`` local days (nightly: whatever a sweep missed)."""
    today = timezone.localdate()
    recent = {today - dt.timedelta(days=n) for n in range(days)}
    with transaction.atomic():
        list(FactCursor.objects.select_for_update().filter(name="tickets"))  # one sweep or reconcile at a time
        return fact_rollups_refresh(days=recent) + review_rollups_refresh(days=recent)


def ticket_facts_rebuild(*, date_from: dt.date, date_to: dt.date) -> int:
    """Re-measure every ticket created on the local days from ``date_from`` to ``date_to`` (inclusive)."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(date_from, dt.time(), tzinfo=tz)
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time(), tzinfo=tz)
    ids = list(Ticket.objects.filter(created_at__gte=start, created_at__lt=end).order_by("pk").values_list("pk", flat=True))
    written = 0
    for offset in range(0, len(ids), BATCH):
        with transaction.atomic():
            written += ticket_facts_refresh(ticket_ids=ids[offset:offset + BATCH])
    fact_rollups_refresh(days={date_from + dt.timedelta(days=n) for n in range((date_to - date_from).days + 1)})
    return written


def fact_rollups_refresh_recent(*, days: int = 400) -> int:
    """Recompute the rollups of the last ``days`` local days (after the admin changes the KPI settings)."""
    today = timezone.localdate()
    return fact_rollups_refresh(days={today - dt.timedelta(days=n) for n in range(days)})


def _report_enqueue(report: Report) -> None:
    from kpi import tasks  # tasks imports this module

    enqueue_on_commit(tasks.report_build, report_id=report.pk)


def report_request(*, actor, date_from: dt.date, date_to: dt.date, team=None, channel: str = "") -> Report:
    """Queue an on-demand export of a dashboard view for the actor."""
    scope = kpi_team_ids_for_viewer(viewer=actor)
    if scope == [] or not actor.has_perm("kpi.view_dashboard"):
        raise PermissionDenied
    if team is not None and scope is not None and team.pk not in scope:
        raise ValidationError({"team": [_("Unknown team.")]})
    report = Report.objects.create(kind=Report.Kind.EXPORT, date_from=date_from, date_to=date_to, team=team,
                                   channel=channel, requested_by=actor)
    _report_enqueue(report)
    return report


def report_schedule(*, kind: str, today: dt.date | None = None) -> Report | None:
    """Create the scheduled report of the period once (beat may fire twice); return it if it was new."""
    date_from, date_to = reports.report_period(kind, today or timezone.localdate())
    try:
        with transaction.atomic():
            report = Report.objects.create(kind=kind, date_from=date_from, date_to=date_to)
    except IntegrityError:
        return None
    _report_enqueue(report)
    return report


def report_sweep_pending(*, now: dt.datetime | None = None) -> int:
    """Send the build again for reports still waiting after the grace period; return how many were sent."""
    from kpi import tasks  # tasks imports this module

    cutoff = (now or timezone.now()) - SWEEP_GRACE
    ids = (Report.objects.filter(status=Report.Status.PENDING, created_at__lte=cutoff)
           .order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_each(tasks.report_build, "report_id", list(ids))


def report_build(*, report_id: int) -> bool:
    """Generate a waiting report's files with progress; return False if it was not waiting (already built)."""
    if not Report.objects.filter(pk=report_id, status=Report.Status.PENDING).update(status=Report.Status.RUNNING):
        return False
    report = Report.objects.select_related("team", "requested_by").get(pk=report_id)

    def progress(percent: int) -> None:
        Report.objects.filter(pk=report_id).update(progress=percent)

    try:
        sections = reports.report_sections(report, progress)
        stem = f"kpi-{report.kind}-{report.date_from:%Y%m%d}-{report.date_to:%Y%m%d}"
        report.xlsx.save(f"{stem}.xlsx", ContentFile(reports.report_xlsx(report, sections)), save=False)
        report.csv.save(f"{stem}.csv", ContentFile(reports.report_csv(sections)), save=False)
    except Exception as exc:  # the report must end failed and say why, whatever broke
        logger.exception("KPI report %s failed", report_id)
        Report.objects.filter(pk=report_id).update(status=Report.Status.FAILED, error=str(exc)[:255],
                                                   finished_at=timezone.now())
        return False
    report.status, report.progress, report.finished_at = Report.Status.DONE, 100, timezone.now()
    report.save(update_fields=["xlsx", "csv", "status", "progress", "finished_at"])
    if report.kind != Report.Kind.EXPORT:
        transaction.on_commit(lambda: reports.report_email(report_id=report.pk))
    return True


def _may_inspect(actor, ticket: Ticket) -> bool:
    """Return whether the actor supervises the ticket's team (or reads every team)."""
    scope = kpi_team_ids_for_viewer(viewer=actor)
    return actor.has_perm("kpi.view_dashboard") and (scope is None or ticket.team_id in scope)


@transaction.atomic
def quality_inspection_create(*, actor, ticket: Ticket, scores: dict[int, int], comment: str = "") -> QualityInspection:
    """Score a conversation on every active checklist item (0–5); the total is the weighted percent."""
    if not _may_inspect(actor, ticket):
        raise PermissionDenied
    if ticket.assignee_id is None:
        raise ValidationError({"ticket": [_("Only a conversation with a handling agent can be inspected.")]})
    if ticket.assignee_id == actor.pk:
        raise ValidationError({"ticket": [_("You cannot inspect your own conversation.")]})
    items = list(QualityCheckItem.objects.filter(is_active=True))
    errors = {}
    for item in items:
        value = scores.get(item.pk)
        if value is None or not 0 <= value <= 5:
            errors[f"item_{item.pk}"] = [_("Score %(item)s from 0 to 5.") % {"item": item.name}]
    if errors or not items:
        raise ValidationError(errors or {"items": [_("The checklist is empty: an admin must add items.")]})
    weight = sum(item.weight for item in items)
    percent = Decimal(sum(scores[item.pk] * item.weight for item in items) * 100) / (5 * weight)
    try:
        with transaction.atomic():
            inspection = QualityInspection.objects.create(
                ticket=ticket, agent_id=ticket.assignee_id, inspector=actor,
                score_percent=percent.quantize(Decimal("0.01")), comment=comment,
            )
    except IntegrityError:
        raise ValidationError({"ticket": [_("This conversation has already been inspected.")]}) from None
    QualityScore.objects.bulk_create(QualityScore(inspection=inspection, item=item, score=scores[item.pk]) for item in items)
    return inspection


@transaction.atomic
def scorecards_compute(*, month: dt.date) -> int:
    """Compute every agent's scorecard of the month from the facts; keep ratings already given; name 服务之星."""
    scheme = scorecards.scheme_active()
    first, last = scorecards.month_bounds(month)
    rows, extra = scorecards.agent_month_measures(first, last)
    teams = scorecards.agents_main_team([row["agent_id"] for row in rows])
    existing = {c.agent_id: c for c in Scorecard.objects.select_for_update().filter(month=first)}
    for row in rows:
        indicators, system_score = scorecards.scorecard_system(scheme, row, extra)
        card = existing.get(row["agent_id"]) or Scorecard(month=first, agent_id=row["agent_id"])
        card.scheme, card.team_id, card.volume = scheme, teams.get(row["agent_id"]), row["volume"]
        card.indicators, card.system_score = indicators, system_score
        card.final_score, _parts = scorecards.scorecard_final(card, scheme)
        card.save()
    service_star_award(month=first)
    return len(rows)


def scorecards_compute_recent(*, today: dt.date | None = None) -> int:
    """Recompute this month's cards, and last month's during the first 5 days (late ratings, late facts)."""
    today = today or timezone.localdate()
    computed = scorecards_compute(month=today)
    if today.day <= 5:
        computed += scorecards_compute(month=today.replace(day=1) - dt.timedelta(days=1))
    return computed


def service_star_award(*, month: dt.date) -> list[int]:
    """Name the month's 服务之星: the top final score with enough tickets; ties go to volume, then share the star."""
    cards = list(Scorecard.objects.select_for_update().filter(month=month))
    if not cards:
        return []
    rows = [{"agent_id": c.pk, "final_score": c.final_score, "volume": c.volume} for c in cards]
    stars = sorted(ranking.star_winners(rows, cards[0].scheme.star_min_volume))
    Scorecard.objects.filter(month=month).exclude(pk__in=stars).update(is_service_star=False)
    Scorecard.objects.filter(pk__in=stars).update(is_service_star=True)
    return stars


@transaction.atomic
def period_scorecards_compute(*, kind: str, day: dt.date) -> int:
    """Roll the monthly cards of the quarter or year of ``day`` up into period cards, ranked, with 服务之星."""
    scheme = scorecards.scheme_active()
    first, end = scorecards.period_bounds(kind, day)
    weighting = scheme.quarter_weighting if kind == PeriodScorecard.Kind.QUARTER else scheme.year_weighting
    rows = ranking.ranked(scorecards.period_rollup(kind, first, end, weighting))
    stars = ranking.star_winners(rows, scheme.star_min_volume * (3 if kind == PeriodScorecard.Kind.QUARTER else 12))
    teams = scorecards.agents_main_team([row["agent_id"] for row in rows])
    PeriodScorecard.objects.filter(kind=kind, period_start=first).delete()
    PeriodScorecard.objects.bulk_create(
        PeriodScorecard(kind=kind, period_start=first, team_id=teams.get(row["agent_id"]),
                        is_service_star=row["agent_id"] in stars, **row) for row in rows)
    logger.info("period scorecards computed", extra={"kind": kind, "period_start": first.isoformat(), "cards": len(rows)})
    return len(rows)


def period_scorecards_compute_recent(*, today: dt.date | None = None) -> int:
    """Recompute the running quarter and year; during the first 5 days of a month also the ones last month ended."""
    today = today or timezone.localdate()
    days = {today}
    if today.day <= 5:
        days.add(today.replace(day=1) - dt.timedelta(days=1))
    periods = {(kind, scorecards.period_bounds(kind, day)[0]) for day in days for kind in PeriodScorecard.Kind.values}
    return sum(period_scorecards_compute(kind=kind, day=first) for kind, first in sorted(periods))


@transaction.atomic
def scorecard_rate(*, scorecard: Scorecard, actor, rating: int, comment: str = "") -> Scorecard:
    """Record the supervisor's rating (1–5) of an agent of their team and recompute the final score."""
    card = Scorecard.objects.select_for_update().select_related("scheme").get(pk=scorecard.pk)
    if card.agent_id == actor.pk or not actor.has_perm("kpi.view_dashboard") or (
        not actor.has_perm("kpi.view_all_teams") and card.team_id not in team_ids_for_user(user=actor)
    ):
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Give a score from 1 to 5.")]})
    card.supervisor_rating, card.supervisor_comment, card.rated_by = rating, comment, actor
    card.final_score, _parts = scorecards.scorecard_final(card, card.scheme)
    card.save(update_fields=["supervisor_rating", "supervisor_comment", "rated_by", "final_score", "computed_at"])
    service_star_award(month=card.month)
    card.refresh_from_db()
    return card


@transaction.atomic
def scorecard_self_assess(*, scorecard: Scorecard, actor, rating: int, comment: str = "") -> Scorecard:
    """Record the agent's own assessment (1–5) of their month and recompute the final score."""
    card = Scorecard.objects.select_for_update().select_related("scheme").get(pk=scorecard.pk)
    if card.agent_id != actor.pk:
        raise PermissionDenied
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": [_("Give a score from 1 to 5.")]})
    card.self_rating, card.self_comment = rating, comment
    card.final_score, _parts = scorecards.scorecard_final(card, card.scheme)
    card.save(update_fields=["self_rating", "self_comment", "final_score", "computed_at"])
    service_star_award(month=card.month)
    card.refresh_from_db()
    return card


def _agent_team_for_supervisor(actor, agent) -> int | None:
    """Return the agent's team (their first team the actor reads); refuse agents outside the actor's teams and oneself."""
    if agent.pk == actor.pk or not actor.has_perm("kpi.view_dashboard"):
        raise PermissionDenied
    agent_teams = sorted(agent.team_ids)
    if actor.has_perm("kpi.view_all_teams"):
        return agent_teams[0] if agent_teams else None
    shared = [team_id for team_id in agent_teams if team_id in set(team_ids_for_user(user=actor))]
    if not shared:
        raise PermissionDenied
    return shared[0]


@transaction.atomic
def conduct_record_create(*, actor, agent, kind: str, category: str, date: dt.date, note: str,
                          evidence_url: str = "") -> ConductRecord:
    """Record a commendation or violation of an agent of the actor's teams (managers: any agent)."""
    team_id = _agent_team_for_supervisor(actor, agent)
    record = ConductRecord(agent=agent, team_id=team_id, kind=kind, category=category, date=date, note=note,
                           evidence_url=evidence_url, recorded_by=actor)
    record.full_clean()
    record.save()
    logger.info("conduct record", extra={"record": record.pk, "agent": agent.pk, "kind": kind, "actor": actor.pk})
    return record


@transaction.atomic
def training_note_add(*, actor, scorecard: Scorecard, topic: str, due_date: dt.date) -> TrainingNote:
    """Attach what to train, and by when, to a scorecard of an agent of the actor's teams."""
    _agent_team_for_supervisor(actor, scorecard.agent)
    note = TrainingNote(scorecard=scorecard, topic=topic, due_date=due_date, created_by=actor)
    note.full_clean()
    note.save()
    return note
