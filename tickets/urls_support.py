from django.urls import path

from tickets import views_support

app_name = "support"

urlpatterns = [
    path("support/new/", views_support.support_new, name="new"),
    path("support/done/<str:token>/", views_support.support_done, name="done"),
]
