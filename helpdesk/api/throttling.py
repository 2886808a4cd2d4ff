"""The API's rate limit: requests per token, so one integration cannot crowd out the agents."""

from django.conf import settings
from rest_framework.authentication import TokenAuthentication
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    """Limit each user's token requests to ``API_RATE_LIMIT`` (default 1,200 a minute); browser sessions are not counted."""

    scope = "api_token"

    def get_rate(self):
        return settings.API_RATE_LIMIT

    def get_cache_key(self, request, view):
        if not isinstance(request.successful_authenticator, TokenAuthentication):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.user.pk}
