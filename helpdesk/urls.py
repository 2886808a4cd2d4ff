from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from helpdesk import views
from helpdesk.api.views import SchemaView

# Includes with a prefix of their own first: a request for another one is turned away by the prefix alone,
# while an include at "" has every one of its routes tried.
api_v1 = [
    path("chat/", include("chat.api.urls")),
    path("", include("kpi.api.urls")),  # kpi/ and conduct/, each behind its prefix
    path("", include("knowledge.api.urls")),  # knowledge/, help/ and training/, each behind its prefix
    path("", include("followups.api.urls")),  # followups/ and surveys/, each behind its prefix
    path("", include("helpdesk.api.urls")),
    path("", include("sla.api.urls")),
    path("", include("channels.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("customers.api.urls")),
    path("", include("orders.api.urls")),
    path("", include("reviews.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("search/", views.search, name="search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="schema"),
    path("api/docs/", views.api_docs, name="api-docs"),
    path("", include("tickets.urls")),
    path("", include("customers.urls")),
    path("", include("followups.urls")),
    path("", include("orders.urls")),
    path("", include("kpi.urls")),
    path("", include("sla.urls")),
    path("", include("channels.urls")),
    path("", include("chat.urls")),
    path("", include("approvals.urls")),
    path("", include("knowledge.urls")),
    path("", include("reviews.urls")),
]
