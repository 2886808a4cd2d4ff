from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("reviews/", views.LowReviewQueueView.as_view(low_only=False), name="list"),
    path("reviews/low/", views.LowReviewQueueView.as_view(), name="queue"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="detail"),
]
