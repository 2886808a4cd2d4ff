"""Every write of follow-ups: the due sweep, completing, rescheduling, tickets from visits, messages, surveys."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from customers.models import Customer
from customers.notices import live_chat_find
from followups import notices, workflow
from followups.messaging import MessageSendError, OutgoingMessage, backend_path, get_backend
from followups.models import (
    CustomerMessage, FollowUpEvent, FollowUpRule, FollowUpSettings, FollowUpVisit, MessageEvent, NoticeKind, Survey,
    SurveyQuestion, SurveyResponse,
)
from followups.rules import DEFAULT_CALENDAR, Candidate, Schedule, candidates, has_visit_near, needs_consent, recent_visits
from followups.selectors import survey_questions
from followups.sweep_sql import visits_insert
from followups.tokens import survey_from_token, survey_url
from helpdesk.enqueue import SWEEP_BATCH, SWEEP_GRACE, enqueue_each, enqueue_on_commit
from helpdesk.instants import instant_text
from helpdesk.models import BusinessCalendar, Team, User
from helpdesk.services import calendar_recompute_each
from tickets.models import Ticket, TicketStep
from tickets.services import ticket_create, ticket_step_reach

logger = logging.getLogger(__name__)
Visit = FollowUpVisit
CHUNK = 20000
MESSAGE_KINDS = (FollowUpRule.Kind.SURVEY, FollowUpRule.Kind.GREETING)


def _event(visit: FollowUpVisit, kind: str, actor=None, note: str = "") -> None:
    FollowUpEvent.objects.create(visit=visit, kind=kind, actor=actor, note=note)


class _Owners:
    """Who gets the visits of one rule: the original handler, the team's queue, or round-robin in the team."""

    def __init__(self, rule: FollowUpRule):
        self.rule = rule
        self.members: dict[int, list[int]] = {}
        self.turn = rule.rr_position
        self.active_users = set()
        self._users = User.objects.filter(is_active=True)

    def _team_members(self, team_id: int) -> list[int]:
        if team_id not in self.members:
            self.members[team_id] = list(self._users.filter(teams=team_id).order_by("pk").values_list("pk", flat=True))
        return self.members[team_id]

    def pick(self, candidate: Candidate) -> tuple[int | None, int | None]:
        """Return (team id, assignee id) for a candidate."""
        rule = self.rule
        team_id = candidate.team_id or rule.team_id
        if rule.kind != FollowUpRule.Kind.CALL:
            return team_id, None
        if rule.owner == FollowUpRule.Owner.HANDLER and candidate.handler_id:
            return team_id, candidate.handler_id
        if rule.owner == FollowUpRule.Owner.TEAM or not team_id:
            return team_id, None
        members = self._team_members(team_id)
        if not members:
            return team_id, None
        assignee = members[self.turn % len(members)]
        self.turn += 1
        return team_id, assignee


def _plan(rule: FollowUpRule, schedule: Schedule, found: list[Candidate], policy: FollowUpSettings,
          owners: _Owners) -> list[FollowUpVisit]:
    """Return the visit rows for a batch of candidates: due, owned, or skipped with the reason recorded."""
    ids = sorted({c.customer_id for c in found})
    consent_field = needs_consent(rule.kind)
    people = {pk: (consent and anonymized is None, bool(phone or email))
              for pk, consent, anonymized, phone, email in Customer.objects.filter(pk__in=ids).values_list(
                  "pk", consent_field, "anonymized_at", "phone", "email")}
    dues = {c: schedule.due_at(c.source_at) for c in found}
    spacing = policy.min_days_between_visits
    earliest = min(dues.values(), default=timezone.now()) - dt.timedelta(days=spacing)
    recent = recent_visits(ids, since=earliest) if spacing else {}
    visits = []
    for candidate in found:
        due = dues[candidate]
        may_contact, has_contact = people.get(candidate.customer_id, (False, False))
        reason = ""
        if not may_contact:
            reason = Visit.SkipReason.NO_CONSENT
        elif not has_contact:
            reason = Visit.SkipReason.NO_CONTACT
        elif spacing and has_visit_near(recent.get(candidate.customer_id, []), due, spacing):
            reason = Visit.SkipReason.RECENT_VISIT
        team_id, assignee_id = owners.pick(candidate) if not reason else (candidate.team_id or rule.team_id, None)
        if not reason:
            recent.setdefault(candidate.customer_id, []).append(due)
        visits.append(FollowUpVisit(
            rule=rule, source_type=candidate.source_type, source_id=candidate.source_id, period=candidate.period,
            customer_id=candidate.customer_id, order_id=candidate.order_id, return_request_id=candidate.return_id,
            ticket_id=candidate.ticket_id, handler_id=candidate.handler_id, team_id=team_id, assignee_id=assignee_id,
            kind=rule.kind, channel=rule.channel, due_at=due, script=rule.script, source_at=candidate.source_at,
            is_provisional=schedule.is_provisional(candidate.source_at, due),
            status=Visit.Status.SKIPPED if reason else Visit.Status.PENDING, skip_reason=reason,
        ))
    return visits


def visit_sweep_rule(*, rule: FollowUpRule, now: dt.datetime | None = None, policy: FollowUpSettings | None = None) -> int:
    """Create the visits one rule makes due by now, once each; return how many were created.

    Each batch commits on its own: a sweep killed midway leaves whole batches, and the next sweep's
    anti-join finds exactly the sources still missing; the unique constraint absorbs concurrent sweeps.
    """
    now = now or timezone.now()
    policy = policy or FollowUpSettings.current()
    schedule = Schedule(rule)
    owners = _Owners(rule)
    created = 0
    for _round in range(1000):
        found = candidates(rule, now=now, lookback_days=policy.lookback_days, limit=CHUNK)
        if not found:
            break
        with transaction.atomic():
            written = visits_insert(_plan(rule, schedule, found, policy, owners))
            created += written
            if owners.turn != rule.rr_position:
                FollowUpRule.objects.filter(pk=rule.pk).update(rr_position=F("rr_position") + owners.turn - rule.rr_position)
                rule.rr_position = owners.turn
        if len(found) < CHUNK:
            break
    return created


def visit_sweep_due(*, now: dt.datetime | None = None) -> int:
    """Create the visits every active rule makes due by now; return how many rows were written."""
    policy = FollowUpSettings.current()
    total = 0
    for rule in FollowUpRule.objects.filter(is_active=True).order_by("pk"):
        try:
            total += visit_sweep_rule(rule=rule, now=now, policy=policy)
        except Exception:
            # One broken rule (e.g. a calendar without working time) must not stop the others.
            logger.exception("follow-up sweep failed for rule %s", rule.code)
    return total


def _locked(visit: FollowUpVisit) -> FollowUpVisit:
    return FollowUpVisit.objects.select_for_update().get(pk=visit.pk)


def _schedule_for(visit: FollowUpVisit) -> Schedule:
    rule = visit.rule or FollowUpRule(kind=visit.kind)
    return Schedule(rule)


@transaction.atomic
def visit_complete(*, visit: FollowUpVisit, actor, outcome: str, satisfaction: int | None = None,
                   notes: str = "") -> FollowUpVisit:
    """Record a call's outcome; no answer calls again later (quiet hours respected) until the attempts run out."""
    if outcome not in {Visit.Outcome.REACHED, Visit.Outcome.NO_ANSWER, Visit.Outcome.WRONG_NUMBER, Visit.Outcome.REFUSED}:
        raise ValidationError({"outcome": [_("Choose reached, no answer, wrong number or refused.")]})
    if satisfaction is not None and not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": [_("Satisfaction is a score from 1 to 5.")]})
    visit = _locked(visit)
    workflow.ensure_allowed(visit.status, workflow.DONE)
    now = timezone.now()
    visit.attempts += 1
    visit.outcome = outcome
    visit.notes = "\n".join(part for part in (visit.notes, notes.strip()) if part)
    fields = ["attempts", "outcome", "notes"]
    policy = FollowUpSettings.current()
    if outcome == Visit.Outcome.NO_ANSWER and visit.attempts < policy.max_attempts:
        visit.due_at = _schedule_for(visit).adjust(now + dt.timedelta(hours=policy.retry_after_hours))
        visit.is_provisional = False  # a retry time counts calendar hours, not business days
        fields += ["due_at", "is_provisional"]
        _event(visit, "no_answer", actor, _("No answer (attempt %(n)s); next call at %(at)s") % {
            "n": visit.attempts, "at": timezone.localtime(visit.due_at).strftime("%Y-%m-%d %H:%M")})
    else:
        visit.status = Visit.Status.DONE
        visit.satisfaction = satisfaction if outcome == Visit.Outcome.REACHED else None
        visit.completed_at = now
        visit.completed_by = actor
        fields += ["status", "satisfaction", "completed_at", "completed_by"]
        _event(visit, "completed", actor, visit.get_outcome_display())
    visit.save(update_fields=fields)
    return visit


@transaction.atomic
def visit_claim(*, visit: FollowUpVisit, actor) -> FollowUpVisit:
    """Take an unassigned visit of the team's queue; a visit someone else took meanwhile conflicts."""
    visit = _locked(visit)
    workflow.ensure_allowed(visit.status, workflow.PENDING)
    if visit.assignee_id not in (None, actor.pk):
        raise workflow.VisitConflict(_("Someone else has taken this visit."))
    if visit.assignee_id is None:
        visit.assignee = actor
        visit.save(update_fields=["assignee"])
        _event(visit, "claimed", actor)
    return visit


@transaction.atomic
def visit_reschedule(*, visit: FollowUpVisit, actor, due_at: dt.datetime, note: str = "") -> FollowUpVisit:
    """Move a visit to do to a later time (out of quiet hours and, for calls, off statutory holidays)."""
    if due_at <= timezone.now():
        raise ValidationError({"due_at": [_("Choose a time in the future.")]})
    visit = _locked(visit)
    workflow.ensure_allowed(visit.status, workflow.PENDING)
    visit.due_at = _schedule_for(visit).adjust(due_at)
    visit.is_provisional = False  # chosen by a person: the official schedule does not move it
    visit.save(update_fields=["due_at", "is_provisional"])
    _event(visit, "rescheduled", actor, note)
    return visit


def visit_recompute_for_calendar_year(*, calendar_id: int, year: int, reason: str, progress=None) -> dict[str, int]:
    """Recompute the due times of visits to do that were counted on a provisional year of the calendar.

    Only due times the product computed from the source (business days after it) move; a retry time or a
    time a person chose stays. Each moved due time is recorded on the visit.
    """
    calendar = BusinessCalendar.objects.get(pk=calendar_id)
    rules = FollowUpRule.objects.filter(Q(calendar_id=calendar_id) | Q(calendar__isnull=True) if calendar.code == DEFAULT_CALENDAR
                                        else Q(calendar_id=calendar_id))
    visit_ids = list(FollowUpVisit.objects.filter(
        rule__in=rules, status=Visit.Status.PENDING, is_provisional=True, source_at__isnull=False,
    ).order_by("pk").values_list("pk", flat=True))
    schedules: dict[int, Schedule] = {}
    return calendar_recompute_each(
        visit_ids, lambda pk: _visit_recompute(visit_id=pk, schedules=schedules, reason=reason), progress)


@transaction.atomic
def _visit_recompute(*, visit_id: int, schedules: dict, reason: str) -> int:
    """Recompute one visit's due time from its source; return 1 when it moved."""
    visit = (FollowUpVisit.objects.select_for_update(of=("self",)).select_related("rule")
             .filter(pk=visit_id, status=Visit.Status.PENDING, is_provisional=True).first())
    if visit is None or visit.rule is None:
        return 0
    if visit.rule_id not in schedules:
        schedules[visit.rule_id] = Schedule(visit.rule)
    schedule = schedules[visit.rule_id]
    old = visit.due_at
    visit.due_at = schedule.due_at(visit.source_at)
    visit.is_provisional = schedule.is_provisional(visit.source_at, visit.due_at)
    visit.save(update_fields=["due_at", "is_provisional"])
    if visit.due_at == old:
        return 0
    _event(visit, "recomputed", None, _("Due %(old)s → %(new)s (%(reason)s)") % {
        "old": instant_text(old), "new": instant_text(visit.due_at), "reason": reason})
    return 1


@transaction.atomic
def visit_ticket_create(*, visit: FollowUpVisit, actor, subject: str = "", description: str = ""):
    """Open a ticket for a problem found on a visit (回访发现问题), linked to the visit; once per visit."""
    visit = _locked(visit)
    if visit.created_ticket_id:
        raise workflow.VisitConflict(_("A ticket was already opened from this visit."))
    team = visit.team or actor.teams.order_by("pk").first()
    if team is None:
        team = Team.objects.filter(is_active=True).order_by("pk").first()
    if team is None:
        raise ValidationError({"team": [_("No team can take the ticket.")]})
    ticket = ticket_create(
        actor=actor, customer=visit.customer, team=team,
        subject=(subject.strip() or _("Problem found on a follow-up visit"))[:200],
        description=description or visit.notes, kind=Ticket.Kind.AFTER_SALES, channel=Ticket.Channel.PHONE,
        order=visit.order if visit.order and visit.order.customer_id == visit.customer_id else None, assignee=actor,
    )
    visit.created_ticket = ticket
    visit.save(update_fields=["created_ticket"])
    _event(visit, "ticket", actor, ticket.number)
    return ticket


def message_send(*, customer, channel: str, body: str, subject: str = "", visit: FollowUpVisit | None = None) -> CustomerMessage:
    """Record a message to a customer, send it through the backend and record the result on the timeline."""
    recipient = customer.email if channel == CustomerMessage.Channel.EMAIL else customer.phone
    message = CustomerMessage.objects.create(customer=customer, visit=visit, channel=channel, recipient=recipient or "",
                                             subject=subject[:200], body=body, backend=backend_path(channel))
    return message_deliver(message_id=message.pk)


def _message_event(message: CustomerMessage, kind: str, note: str = "") -> None:
    MessageEvent.objects.create(message=message, kind=kind, note=note)


def _notice_text(kind: str, context: dict) -> str:
    """Return the default text of a notice kind in the active language (callers usually give their own)."""
    texts = {
        NoticeKind.SURVEY: _("{customer_name}, how did we do? Please rate our service: {survey_url}"),
        NoticeKind.GREETING: _("{customer_name}, best wishes from our customer service team!"),
    }
    text = texts.get(kind) or _("%(kind)s: %(number)s") % {"kind": NoticeKind(kind).label if kind in NoticeKind.values
                                                             else kind, "number": context.get("number", "")}
    for key, value in context.items():
        text = text.replace("{" + key + "}", str(value))
    return text


def notice_send(*, customer, kind: str, context: dict | None = None, ticket=None, body: str = "", subject: str = "",
                language: str | None = None, phone: str | None = None, email: str | None = None,
                channel: str = "", visit: FollowUpVisit | None = None) -> CustomerMessage:
    """Send one customer-facing notice: pick the channel, check consent, record it, deliver it after the commit.

    The channel: e-mail when the ticket came by e-mail and there is an address, else SMS to a mobile number,
    else the customer's open live chat, else e-mail (``channel`` forces one, as a follow-up rule does). ``phone`` / ``email`` override the archive's
    (a return's contact). Non-essential kinds need the customer's consent; a notice that cannot go is recorded
    as not sent, with the reason, on the customer's timeline. Quiet hours, the daily cap and retries apply
    when it is delivered (``message_deliver``).
    """
    from followups import tasks  # tasks imports this module

    context = {str(key): value if isinstance(value, (int, float)) else str(value) for key, value in (context or {}).items()}
    context.setdefault("customer_name", customer.name)
    language = language or settings.LANGUAGE_CODE
    phone = customer.phone if phone is None else phone
    email = customer.email if email is None else email
    ticket_channel = getattr(ticket, "channel", "") or ""
    live_chat = None if phone or (email and ticket_channel == "email") else live_chat_find(customer.pk)
    target = notices.route(phone=phone, email=email, ticket_channel=ticket_channel, live_chat=live_chat)
    if channel:
        target = notices.Route(channel, (email if channel == CustomerMessage.Channel.EMAIL else phone) or "")
    with translation.override(language):
        body = body or _notice_text(kind, context)
        subject = subject or str(NoticeKind(kind).label if kind in NoticeKind.values else _("Message from customer service"))
    essential = notices.is_essential(kind)
    reason = ""
    if customer.anonymized_at is not None:
        reason = _("The customer's personal data was erased.")
    elif not essential and not getattr(customer, notices.consent_field(kind), False):
        reason = _("The customer has not consented to this kind of message.")
    elif not target.recipient:
        reason = _("The customer has no phone or e-mail.")
    message = CustomerMessage.objects.create(
        customer=customer, visit=visit, ticket=ticket if getattr(ticket, "pk", None) else None, kind=kind,
        is_essential=essential, channel=target.channel, recipient=target.recipient, subject=subject[:200], body=body,
        language=language, context=context, backend=backend_path(target.channel),
        status=CustomerMessage.Status.SKIPPED if reason else CustomerMessage.Status.QUEUED, error=reason)
    if reason:
        _message_event(message, MessageEvent.Kind.SKIPPED, reason)
    else:
        enqueue_on_commit(tasks.message_deliver, message_id=message.pk)
    return message


def _message_hold(message: CustomerMessage, now: dt.datetime) -> str:
    """Return why an SMS must wait or not go now ("quiet", "cap"), holding or closing it; "" when it may go."""
    if message.channel != CustomerMessage.Channel.SMS:
        return ""
    opens = notices.quiet_until(now)
    if opens is not None:
        message.due_at = opens
        message.save(update_fields=["due_at"])
        _message_event(message, MessageEvent.Kind.DEFERRED, _("Quiet hours; to be sent at %(at)s") % {"at": instant_text(opens)})
        return "quiet"
    cap = notices.daily_cap()
    if not cap:
        return ""
    # One SMS of a customer at a time counts against the cap: their archive row is the lock.
    Customer.objects.select_for_update().filter(pk=message.customer_id).values_list("pk", flat=True).first()
    start, end = notices.day_bounds(now)
    sent_today = CustomerMessage.objects.filter(
        customer_id=message.customer_id, channel=CustomerMessage.Channel.SMS, sent_at__gte=start, sent_at__lt=end,
    ).count()
    if sent_today < cap:
        return ""
    if message.is_essential:
        message.due_at = notices.next_day_opens(now)
        message.save(update_fields=["due_at"])
        _message_event(message, MessageEvent.Kind.DEFERRED, _("Daily limit of %(cap)d SMS reached; to be sent at %(at)s") % {
            "cap": cap, "at": instant_text(message.due_at)})
    else:
        message.status, message.error = CustomerMessage.Status.SKIPPED, _("Daily limit of %(cap)d SMS reached.") % {"cap": cap}
        message.save(update_fields=["status", "error"])
        _message_event(message, MessageEvent.Kind.SKIPPED, message.error)
    return "cap"


def message_deliver(*, message_id: int, now: dt.datetime | None = None) -> CustomerMessage | None:
    """Send a queued message once it is due; record it as sent with the provider's id, to retry, or failed.

    SMS waits out quiet hours and, beyond the daily cap, the next day (an essential notice) or is not sent
    (others). A failure the provider may get over is tried again after an exponential backoff, at most
    ``NOTICE_MAX_ATTEMPTS`` times. The row stays locked while the backend sends, so a second delivery of the
    same message (its task received twice, or sent again by the sweeper) waits, then finds it no longer due.
    """
    now = now or timezone.now()
    with transaction.atomic():
        message = CustomerMessage.objects.select_for_update().filter(pk=message_id).first()
        if message is None or message.status != CustomerMessage.Status.QUEUED:
            return message
        if message.due_at is not None and message.due_at > now:
            return message
        if _message_hold(message, now):
            return message
        message.attempts += 1
        try:
            if not message.recipient:
                raise MessageSendError(_("The customer has no address for this channel."), permanent=True)
            provider_id = get_backend(backend_path(message.channel)).send(OutgoingMessage(
                channel=message.channel, recipient=message.recipient, body=message.body, subject=message.subject,
                reference=str(message.pk), kind=message.kind, language=message.language, context=message.context))
        except MessageSendError as exc:
            message.error = str(exc)
            if exc.permanent or message.attempts >= notices.max_attempts():
                message.status = CustomerMessage.Status.FAILED
                message.save(update_fields=["status", "error", "attempts"])
                _message_event(message, MessageEvent.Kind.FAILED, message.error)
                if message.visit_id:
                    FollowUpVisit.objects.filter(pk=message.visit_id).update(outcome=Visit.Outcome.FAILED)
                return message
            message.due_at = now + notices.retry_delay(message.attempts)
            message.save(update_fields=["error", "attempts", "due_at"])
            _message_event(message, MessageEvent.Kind.RETRY, _("%(error)s; attempt %(n)d, next at %(at)s") % {
                "error": message.error, "n": message.attempts, "at": instant_text(message.due_at)})
            return message
        message.status, message.provider_id, message.sent_at, message.error = (
            CustomerMessage.Status.SENT, str(provider_id)[:100], now, "")
        message.save(update_fields=["status", "provider_id", "sent_at", "error", "attempts"])
        _message_event(message, MessageEvent.Kind.SENT, message.provider_id)
    return message


def message_receipts_apply(*, backend: str, receipts) -> dict[str, int]:
    """Record providers' delivery receipts: a sent message becomes delivered, or failed with the provider's reason.

    ``backend`` is the dotted path of the provider's backend: a receipt matches a message sent through it by the
    provider's id. Safe to repeat: a message already delivered or failed is left as it is. Return counts of
    ``updated``, ``unchanged`` and ``unknown`` receipts.
    """
    counts = {"updated": 0, "unchanged": 0, "unknown": 0}
    now = timezone.now()
    with transaction.atomic():
        for receipt in receipts:
            message = (CustomerMessage.objects.select_for_update()
                       .filter(provider_id=receipt.provider_id, backend=backend, channel=CustomerMessage.Channel.SMS)
                       .order_by("-pk").first())
            if message is None:
                counts["unknown"] += 1
                continue
            if message.status not in (CustomerMessage.Status.SENT, CustomerMessage.Status.QUEUED):
                counts["unchanged"] += 1
                continue
            reason = " ".join(part for part in (receipt.code, receipt.reason) if part)
            if receipt.is_delivered:
                message.status, message.delivered_at = CustomerMessage.Status.DELIVERED, now
                message.save(update_fields=["status", "delivered_at"])
                _message_event(message, MessageEvent.Kind.DELIVERED, reason)
            else:
                message.status, message.error = CustomerMessage.Status.FAILED, reason or _("The provider reported a failure.")
                message.save(update_fields=["status", "error"])
                _message_event(message, MessageEvent.Kind.FAILED, message.error)
                if message.visit_id:
                    FollowUpVisit.objects.filter(pk=message.visit_id).update(outcome=Visit.Outcome.FAILED)
            counts["updated"] += 1
    return counts


def message_sweep_queued(*, now: dt.datetime | None = None) -> int:
    """Deliver the queued messages that are due; return how many tasks were sent.

    Due: held for quiet hours, the cap or a retry until a time now past, or never held and still queued after
    the grace period (the process that created it died before the backend answered, or the backend raised
    something other than ``MessageSendError``).
    """
    from followups import tasks  # tasks imports this module

    now = now or timezone.now()
    cutoff = now - SWEEP_GRACE
    ids = (CustomerMessage.objects.filter(status=CustomerMessage.Status.QUEUED)
           .filter(Q(due_at__lte=now) | Q(due_at__isnull=True, created_at__lte=cutoff))
           .order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_each(tasks.message_deliver, "message_id", list(ids))


def visit_message_send(*, visit_id: int, now: dt.datetime | None = None) -> CustomerMessage | None:
    """Send a due survey or greeting visit's message once (not in quiet hours); return the message sent."""
    now = now or timezone.now()
    with transaction.atomic():
        visit = (FollowUpVisit.objects.select_for_update(of=("self",)).select_related("rule", "customer")
                 .filter(pk=visit_id, status=Visit.Status.PENDING, kind__in=MESSAGE_KINDS).first())
        if visit is None or visit.due_at > now:
            return None
        allowed = _schedule_for(visit).adjust(now)
        if allowed > now:
            visit.due_at = allowed
            visit.save(update_fields=["due_at"])
            return None
        channel = CustomerMessage.Channel.EMAIL if visit.channel == FollowUpRule.Channel.EMAIL else CustomerMessage.Channel.SMS
        template = visit.rule.message if visit.rule else ""
        kind = NoticeKind.SURVEY if visit.kind == FollowUpRule.Kind.SURVEY else NoticeKind.GREETING
        context = {"customer_name": visit.customer.name}
        if visit.kind == FollowUpRule.Kind.SURVEY:
            survey = survey_create(customer=visit.customer, visit=visit)
            context["survey_url"] = survey_url(survey)
        body = _notice_text(kind, context) if not template else template
        body = body.replace("{customer_name}", visit.customer.name).replace("{survey_url}", context.get("survey_url", ""))
        visit.status = Visit.Status.DONE
        visit.outcome = Visit.Outcome.SENT
        visit.attempts += 1
        visit.completed_at = now
        visit.save(update_fields=["status", "outcome", "attempts", "completed_at"])
        _event(visit, "sent")
        message = notice_send(customer=visit.customer, kind=kind, context=context, ticket=visit.ticket, body=body,
                              subject=str(visit.rule or _("Message from customer service")), channel=channel, visit=visit)
    # Sent after the commit: a rolled-back visit never produces a message.
    return message_deliver(message_id=message.pk)


def visit_sweep_messages_due(*, now: dt.datetime | None = None, limit: int = 500) -> int:
    """Send the due survey and greeting messages; return how many were sent or attempted."""
    now = now or timezone.now()
    ids = list(FollowUpVisit.objects.filter(status=Visit.Status.PENDING, kind__in=MESSAGE_KINDS, due_at__lte=now)
               .order_by("due_at").values_list("pk", flat=True)[:limit])
    return sum(1 for pk in ids if visit_message_send(visit_id=pk, now=now) is not None)


def survey_create(*, customer, visit=None, ticket=None, return_request=None, order=None, agent=None, team=None,
                  language: str | None = None) -> Survey:
    """Create a survey for a customer, linked to what it asks about and the agent who handled it."""
    if visit is not None:
        ticket = ticket or visit.ticket
        return_request = return_request or visit.return_request
        order = order or visit.order
        agent = agent or visit.handler or visit.assignee
        team = team or visit.team
    if ticket is not None:
        agent = agent or ticket.assignee
        team = team or ticket.team
        order = order or ticket.order
    days = FollowUpSettings.current().survey_expiry_days
    return Survey.objects.create(
        customer=customer, visit=visit, ticket=ticket, return_request=return_request, order=order, agent=agent,
        team=team, language=language or settings.LANGUAGE_CODE, expires_at=timezone.now() + dt.timedelta(days=days),
    )


def _score(value, field: str, errors: dict) -> int | None:
    if isinstance(value, bool):
        value = None
    try:
        number = int(str(value).strip()) if value is not None and str(value).strip() else None
    except (TypeError, ValueError):
        number = None
    if number is None or not 1 <= number <= 5:
        errors.setdefault(field, []).append(_("Give a score from 1 to 5."))
        return None
    return number


def survey_answers_clean(*, overall, answers, comment) -> tuple[int, dict, str]:
    """Return (overall, {question code: score}, comment) checked, or raise ValidationError naming each field."""
    errors: dict[str, list] = {}
    overall_score = _score(overall, "overall", errors)
    answers = answers if isinstance(answers, dict) else {}
    scores = {}
    for question in survey_questions():
        scores[question.code] = _score(answers.get(question.code), question.code, errors)
    comment = comment if isinstance(comment, str) else ""
    if len(comment) > 2000:
        errors["comment"] = [_("Keep the comment under 2,000 characters.")]
    if errors:
        raise ValidationError(errors)
    return overall_score, scores, comment.replace("\x00", "").strip()


def weighted_score(overall: int, scores: dict[str, int]) -> Decimal:
    """Return Σ(dimension score × weight) / Σ weight, or the overall score without weighted dimensions."""
    weights = dict(SurveyQuestion.objects.filter(code__in=list(scores)).values_list("code", "weight"))
    total = sum((weights.get(code, Decimal(0)) for code in scores), Decimal(0))
    if not total:
        return Decimal(overall).quantize(Decimal("0.01"))
    value = sum((Decimal(score) * weights.get(code, Decimal(0)) for code, score in scores.items()), Decimal(0)) / total
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def survey_respond(*, token: str, overall, answers, comment: str = "", respondent=None) -> SurveyResponse:
    """Record the one response of a survey; a low overall score opens a ticket for the team's supervisor.

    ``respondent`` is the signed-in user of the request, if any: surveys are the customers' word on the
    service, so nobody signed in to the helpdesk may answer one (an agent would rate themselves).
    """
    if respondent is not None and respondent.is_authenticated:
        raise PermissionDenied(_("You are signed in to the helpdesk: surveys are answered by customers, not by "
                                 "staff. Sign out to open this link as the customer would."))
    overall, scores, comment = survey_answers_clean(overall=overall, answers=answers, comment=comment)
    survey = survey_from_token(token, for_update=True)
    now = timezone.now()
    response = SurveyResponse.objects.create(
        survey=survey, customer_id=survey.customer_id, ticket_id=survey.ticket_id,
        return_request_id=survey.return_request_id, order_id=survey.order_id, agent_id=survey.agent_id,
        team_id=survey.team_id, overall=overall, answers=scores, score=weighted_score(overall, scores), comment=comment,
        is_low=overall <= FollowUpSettings.current().low_score_threshold,
    )
    survey.responded_at = now
    survey.save(update_fields=["responded_at"])
    if survey.ticket_id:  # the customer's word on the outcome: the complaint's 结果反馈 is done
        ticket_step_reach(ticket_id=survey.ticket_id, actor=None, step=TicketStep.Step.FEEDBACK, source="survey")
    if response.is_low:
        response.low_score_ticket = _low_score_ticket(survey, response)
        response.save(update_fields=["low_score_ticket"])
    return response


def _low_score_ticket(survey: Survey, response: SurveyResponse):
    """Open a complaint ticket for the supervisor of the survey's team (or the first team)."""
    team = survey.team or Team.objects.filter(is_active=True).order_by("pk").first()
    if team is None:
        return None
    reference = survey.ticket.number if survey.ticket else (survey.order.number if survey.order else "")
    description = _("Overall %(overall)s/5, weighted %(score)s. Comment: %(comment)s") % {
        "overall": response.overall, "score": response.score, "comment": response.comment or "—"}
    return ticket_create(
        actor=None, customer=survey.customer, team=team,
        subject=(_("Low satisfaction score %(overall)s/5 %(ref)s") % {"overall": response.overall, "ref": reference}).strip(),
        description=description, kind=Ticket.Kind.COMPLAINT, channel=Ticket.Channel.WEB, priority=Ticket.Priority.HIGH,
        order=survey.order if survey.order and survey.order.customer_id == survey.customer_id else None,
        assignee=team.supervisor,
    )
