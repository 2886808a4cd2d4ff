"""Shell pages: home, health and the site icon."""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache

from helpdesk.health import health_report


def home(request):
    """Send a signed-in user to the inbox, anyone else to the login page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("tickets:inbox")


@never_cache
def healthz(request):
    """Return the state of the database, Redis and Celery; 503 naming what is down."""
    report = health_report()
    return JsonResponse(report, status=200 if not report["down"] else 503)


@cache_control(max_age=86400, public=True)
def favicon(request):
    """Send the browser's own /favicon.ico request to the site icon."""
    # A 302, not a 301: in production the static URL carries a content hash that changes with the file.
    return redirect(static("favicon.svg"))
