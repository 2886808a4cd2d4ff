from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from helpdesk.api.routers import Router

from chat.api.views import (
    AgentPresenceView,
    ChatSessionViewSet,
    WidgetChatSessionViewSet,
    WidgetInfoViewSet,
    widget_message_create,
)

router = Router()
router.register("sessions", WidgetChatSessionViewSet, basename="chat-widget-session")
router.register("widgets", WidgetInfoViewSet, basename="chat-widget")
router.register("agent/sessions", ChatSessionViewSet, basename="chat-session")

urlpatterns = [
    path("sessions/<int:pk>/messages/", csrf_exempt(widget_message_create), name="chat-widget-session-messages"),
    *router.urls,
    path("agent/presence/", AgentPresenceView.as_view(), name="chat-presence"),
]
