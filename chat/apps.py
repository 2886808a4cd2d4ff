from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Live chat (在线客服): shop widgets, chat sessions and their real-time streams, agent presence."""

    name = "chat"
    verbose_name = _("Live chat")
