from django.urls import path

from knowledge import views

app_name = "knowledge"

urlpatterns = [
    path("knowledge/", views.article_list, name="article_list"),
    path("knowledge/kpi/", views.knowledge_kpi, name="kpi"),
    path("knowledge/new/", views.article_new, name="article_new"),
    path("knowledge/<int:pk>/", views.article_detail, name="article_detail"),
    path("knowledge/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("knowledge/<int:pk>/diff/", views.article_diff, name="article_diff"),
    path("knowledge/<int:pk>/flag/", views.article_flag_view, name="article_flag"),
    path("knowledge/<int:pk>/status/", views.article_transition_view, name="article_transition"),
    path("knowledge/for-ticket/<int:ticket_pk>/", views.ticket_articles, name="ticket_articles"),
    path("help/", views.help_index, name="help_index"),
    path("help/suggest/", views.help_suggest, name="help_suggest"),
    path("help/<int:pk>/", views.help_article, name="help_article"),
    path("help/<int:pk>/solved/", views.help_solved, name="help_solved"),
]
