from django.urls import path

from chat import views

app_name = "chat"

urlpatterns = [
    path("chat/widget.js", views.widget_js, name="widget_js"),
    path("chat/stream/<int:pk>/", views.customer_stream, name="customer_stream"),
    path("chat/images/<int:pk>/", views.chat_image, name="image"),
    path("chat/inbox/", views.chat_inbox, name="inbox"),
    path("chat/inbox/stream/", views.agent_stream, name="agent_stream"),
    path("chat/inbox/<int:pk>/card/", views.chat_card, name="card"),
    path("chat/inbox/<int:pk>/canned/", views.chat_canned, name="canned"),
    path("live/stream/", views.workspace_stream, name="workspace_stream"),
    path("demo/shop/", views.demo_shop, name="demo_shop"),
]
