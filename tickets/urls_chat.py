from django.urls import path

from tickets import views_chat

app_name = "chat"

urlpatterns = [
    path("chat/widget.js", views_chat.widget_js, name="widget_js"),
    path("chat/stream/<int:pk>/", views_chat.customer_stream, name="customer_stream"),
    path("chat/images/<int:pk>/", views_chat.chat_image, name="image"),
    path("chat/inbox/", views_chat.chat_inbox, name="inbox"),
    path("chat/inbox/stream/", views_chat.agent_stream, name="agent_stream"),
    path("chat/inbox/<int:pk>/card/", views_chat.chat_card, name="card"),
    path("chat/inbox/<int:pk>/canned/", views_chat.chat_canned, name="canned"),
    path("demo/shop/", views_chat.demo_shop, name="demo_shop"),
]
