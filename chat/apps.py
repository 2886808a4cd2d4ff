from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChatConfig(AppConfig):
    """Live chat (在线客服): shop widgets, chat sessions and their real-time streams, agent presence."""

    name = "chat"
    verbose_name = _("Live chat")

    def ready(self):
        # Imported here, not at the top: apps.py is loaded before any app's models are.
        from chat import selectors
        from chat.privacy import chat_customer_content_erase
        from chat.services import chat_notice_post
        from customers import notices, records

        # The customer archive shows chats on its timeline and erases what the customer wrote in them.
        records.timeline_source_register(selectors.customer_timeline_sources, models={"chat.chatsession"})
        records.eraser_register(chat_customer_content_erase)
        # Notices to a customer without a phone reach them in their open chat (docs/notices.md).
        notices.live_chat_register(find=selectors.chat_open_for_customer, post=chat_notice_post)
