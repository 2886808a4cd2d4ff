from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from helpdesk import views

# Swagger UI bootstraps itself with an inline script; allow it on that page only.
swagger_csp = {"default-src": [CSP.SELF], "script-src": [CSP.SELF, CSP.UNSAFE_INLINE], "style-src": [CSP.SELF, CSP.UNSAFE_INLINE], "img-src": [CSP.SELF, "data:"]}

# Includes with a prefix of their own first: a request for another one is turned away by the prefix alone,
# while an include at "" has every one of its routes tried.
api_v1 = [
    path("chat/", include("chat.api.urls")),
    path("kpi/", include("kpi.api.urls")),
    path("", include("helpdesk.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("channels.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("customers.api_followups")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", csp_override(swagger_csp)(SpectacularSwaggerView.as_view(url_name="schema")), name="api-docs"),
    path("", include("tickets.urls")),
    path("", include("customers.urls")),
    path("", include("orders.urls")),
    path("", include("kpi.urls")),
    path("", include("sla.urls")),
    path("", include("channels.urls")),
    path("", include("chat.urls")),
]
