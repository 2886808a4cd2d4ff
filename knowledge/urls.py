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
    path("knowledge/training/", views.training_mine, name="training_mine"),
    path("knowledge/training/assign/", views.training_assign_view, name="training_assign"),
    path("knowledge/training/team/", views.training_team, name="training_team"),
    path("knowledge/training/agent/<int:agent_pk>/", views.training_agent, name="training_agent"),
    path("knowledge/training/<int:pk>/", views.training_record, name="training_record"),
    path("knowledge/training/<int:pk>/articles/<int:article_pk>/", views.training_read, name="training_read"),
    path("knowledge/training/<int:pk>/quiz/", views.training_quiz, name="training_quiz"),
    path("help/", views.help_index, name="help_index"),
    path("help/suggest/", views.help_suggest, name="help_suggest"),
    path("help/<int:pk>/", views.help_article, name="help_article"),
    path("help/<int:pk>/solved/", views.help_solved, name="help_solved"),
]
