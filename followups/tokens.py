"""Survey links (客户满意度): the signed token of a survey, opened without login, and its public address."""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from followups.models import Survey
from helpdesk.errors import ServiceError

# The signing salt of every survey link ever sent: changing it voids the links customers hold.
SALT = "customers.survey"
INVALID, EXPIRED, ANSWERED = "invalid", "expired", "answered"
# A survey address inside a message: optional origin, the public path ``/s/<token>/`` (followups/urls.py).
LINK = re.compile(r"(?:https?://[^\s/]+)?/s/(?P<token>[A-Za-z0-9_:.\-]+)/?")


# Per reason: the API's answer and its message.
UNAVAILABLE = {
    INVALID: (404, "not_found", _("Unknown survey link.")),
    EXPIRED: (410, "gone", _("This survey link has expired.")),
    ANSWERED: (409, "conflict", _("This survey was already answered.")),
}


class SurveyUnavailable(ServiceError):
    """The link is forged (404), expired (410) or already answered (409); ``reason`` says which."""

    def __init__(self, reason: str):
        self.status_code, self.code, message = UNAVAILABLE[reason]
        super().__init__(str(message))
        self.reason = reason


def survey_token(survey: Survey) -> str:
    """Return the signed token of a survey link."""
    return signing.dumps({"s": survey.pk}, salt=SALT)


def survey_url(survey: Survey) -> str:
    """Return the public address of a survey, for messages."""
    return settings.PUBLIC_BASE_URL + reverse("followups:survey_public", args=[survey_token(survey)])


def survey_links_hidden(text: str) -> str:
    """Return the text with every survey link in it replaced by a label, for staff to read.

    A survey's handling agent must never hold its live link (the score feeds their own scorecard),
    so messages sent to customers are shown to staff without it.
    """
    def hide(match: re.Match) -> str:
        try:
            signing.loads(match["token"], salt=SALT)
        except signing.BadSignature:
            return match[0]  # some other address that happens to have /s/ in it
        return str(_("[survey link]"))

    return LINK.sub(hide, text)


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
