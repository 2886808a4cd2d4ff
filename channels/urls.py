from django.urls import path

from channels import views

app_name = "support"

urlpatterns = [
    path("support/new/", views.support_new, name="new"),
    path("support/done/<str:token>/", views.support_done, name="done"),
    path("support/track/<str:token>/", views.support_track, name="track"),
    path("support/track/<str:token>/renew/", views.support_track_renew, name="track_renew"),
]
