"""Satisfaction surveys (客户满意度): signed links without login, one response each, low scores become tickets."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.followup_models import FollowUpSettings, Survey, SurveyQuestion, SurveyResponse

SALT = "customers.survey"
INVALID, EXPIRED, ANSWERED = "invalid", "expired", "answered"


class SurveyUnavailable(Exception):
    """The link is forged, expired or already answered; ``reason`` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def survey_token(survey: Survey) -> str:
    """Return the signed token of a survey link."""
    return signing.dumps({"s": survey.pk}, salt=SALT)


def survey_url(survey: Survey) -> str:
    """Return the public address of a survey, for messages."""
    return settings.PUBLIC_BASE_URL + reverse("customers:survey_public", args=[survey_token(survey)])


def survey_questions() -> list[SurveyQuestion]:
    """Return the active dimension questions in order."""
    return list(SurveyQuestion.objects.filter(is_active=True).order_by("position", "code"))


def survey_from_token(token: str, *, for_update: bool = False) -> Survey:
    """Return the survey of a token that may still be answered, or raise SurveyUnavailable."""
    try:
        data = signing.loads(str(token)[:500], salt=SALT)
        pk = int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, OverflowError):
        raise SurveyUnavailable(INVALID) from None
    queryset = Survey.objects.select_for_update() if for_update else Survey.objects.select_related("response")
    survey = queryset.filter(pk=pk).first() if 0 < pk < 2**63 else None
    if survey is None:
        raise SurveyUnavailable(INVALID)
    if survey.responded_at is not None:
        raise SurveyUnavailable(ANSWERED)
    if survey.expires_at <= timezone.now():
        raise SurveyUnavailable(EXPIRED)
    return survey


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
def survey_respond(*, token: str, overall, answers, comment: str = "") -> SurveyResponse:
    """Record the one response of a survey; a low overall score opens a ticket for the team's supervisor."""
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
    if response.is_low:
        response.low_score_ticket = _low_score_ticket(survey, response)
        response.save(update_fields=["low_score_ticket"])
    return response


def _low_score_ticket(survey: Survey, response: SurveyResponse):
    """Open a complaint ticket for the supervisor of the survey's team (or the first team)."""
    from helpdesk.models import Team
    from tickets.models import Ticket
    from tickets.services import ticket_create

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
