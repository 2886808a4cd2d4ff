"""API tokens: DRF's tokens, each usable for ``API_TOKEN_TTL_HOURS`` and only until its user's password changes."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed


def token_expires_at(token) -> dt.datetime:
    """Return when a token stops being accepted."""
    return token.created + dt.timedelta(hours=settings.API_TOKEN_TTL_HOURS)


def token_refusal(token, user, *, now: dt.datetime | None = None) -> str:
    """Return why the token may no longer be used (a message for the caller), or an empty string."""
    if user.password_changed_at and token.created < user.password_changed_at:
        return _("The password was changed after this token was issued; ask for a new token at /api/v1/auth/token/.")
    if (now or timezone.now()) >= token_expires_at(token):
        return _("Token expired; ask for a new one at /api/v1/auth/token/.")
    return ""


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's TokenAuthentication that answers 401 for a token past its lifetime or older than a password change."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        refusal = token_refusal(token, user)
        if refusal:
            raise AuthenticationFailed(refusal, code="token_expired")
        return user, token
