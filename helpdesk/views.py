"""Shell pages: home, login, the global search, the API docs, health and the site icon."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from drf_spectacular.views import SpectacularSwaggerView

from helpdesk.forms import LoginForm, SearchForm
from helpdesk.health import health_report
from helpdesk.search import search_everything


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


@login_required
def search(request):
    """The global search: results the viewer may open, grouped by kind; JSON for the command palette (``?format=json``)."""
    form = SearchForm(request.GET)
    wants_json = request.GET.get("format") == "json"
    if not form.is_valid():
        if wants_json:
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return render(request, "helpdesk/search.html", {"form": form, "groups": [], "title": _("Search")}, status=400)
    q = form.cleaned_data["q"]
    groups = search_everything(viewer=request.user, q=q)
    if wants_json:
        return JsonResponse({"q": q, "groups": [
            {**group, "hits": [{"title": h.title, "subtitle": h.subtitle, "url": h.url} for h in group["hits"]]}
            for group in groups]})
    return render(request, "helpdesk/search.html", {"form": form, "q": q, "groups": groups, "title": _("Search")})


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
