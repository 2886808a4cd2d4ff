"""Shell pages: home, login, the API docs, health and the site icon."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.views.decorators.cache import cache_control, never_cache
from drf_spectacular.views import SpectacularSwaggerView

from helpdesk.forms import LoginForm
from helpdesk.health import health_report


def home(request):
    """Send a signed-in user to the inbox, anyone else to the login page."""
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("tickets:inbox")


class LoginView(auth_views.LoginView):
    """Django's login page, answering 429 while the sign-in throttle refuses."""

    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.has_error(NON_FIELD_ERRORS, code="throttled"):
            response.status_code = 429
        return response


swagger = SpectacularSwaggerView.as_view(url_name="schema")


def api_docs(request):
    """Swagger UI over the schema; once DEBUG is off, a person signs in first."""
    if not settings.DEBUG and not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return swagger(request)


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
