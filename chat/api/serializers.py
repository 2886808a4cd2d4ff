"""Serializers of the live chat API (the widget side and the agent side)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from chat.models import AgentPresence, ChatMessage, ChatSession
from chat.services import MAX_MESSAGE_CHARS
from helpdesk.api import strict

MAX_INT = 2**31 - 1


class ChatMessageSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    seq = serializers.IntegerField(help_text=_("Number of the message in its chat; the SSE event id of the customer stream."))
    id = serializers.IntegerField()
    sender = strict.ChoiceField(choices=ChatMessage.Sender.choices)
    author_name = strict.CharField()
    body = strict.CharField(help_text=_("Plain text; show it as text, never as HTML. On the agent side personal data "
                                        "in it is masked unless the agent may see it."))
    is_masked = strict.BooleanField(required=False, help_text=_("Agent side: personal data in the body is masked; "
                                                                "reveal it with a reason."))
    image = strict.CharField(help_text=_("URL of the image (the widget sends X-Chat-Token to fetch it), or empty."))
    created_at = strict.DateTimeField()


class ChatStateSerializer(serializers.Serializer):
    session = serializers.IntegerField()
    status = strict.ChoiceField(choices=ChatSession.Status.choices)
    agent_name = strict.CharField()
    agent_read_seq = serializers.IntegerField()
    last_seq = serializers.IntegerField()
    ticket_number = strict.CharField()


class ChatWidgetSessionCreateSerializer(serializers.Serializer):
    shop = strict.CharField(max_length=32, help_text=_("The widget key (data-shop)."))
    name = strict.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = strict.CharField(max_length=32, required=False, allow_blank=True, default="")
    customer_token = strict.CharField(max_length=2000, required=False, allow_blank=True, default="",
                                      help_text=_("Signed by the shop: base64url(JSON {phone, name}) + '.' + hex HMAC-SHA256."))
    message = strict.CharField(max_length=MAX_MESSAGE_CHARS, required=False, allow_blank=True, default="")


class ChatStreamTicketSerializer(serializers.Serializer):
    stream = strict.CharField(help_text=_("URL of the session's Server-Sent Events stream, with a stream ticket: "
                                          "it opens one stream, within stream_expires_in seconds."))
    stream_expires_in = serializers.IntegerField(help_text=_("Seconds the stream ticket stays valid."))


class ChatWidgetSessionSerializer(ChatStateSerializer, ChatStreamTicketSerializer):
    token = strict.CharField(help_text=_("Send as the X-Chat-Token header; never put it in a URL."))


class ChatWidgetSessionDetailSerializer(ChatStateSerializer):
    messages = ChatMessageSerializer(many=True)


class ChatMessageBodySerializer(serializers.Serializer):
    body = strict.CharField(allow_blank=True, trim_whitespace=False,
                            help_text=_("Plain text, at most %(n)d characters.") % {"n": MAX_MESSAGE_CHARS})


class ChatAgentMessageSerializer(ChatMessageBodySerializer):
    confirm_language = strict.BooleanField(default=False, help_text=_("Send even if the service-language check warns."))


class ChatImageUploadSerializer(serializers.Serializer):
    image = serializers.FileField(help_text=_("PNG, JPEG, GIF or WebP, at most 5 MB."))


class ChatReadSerializer(serializers.Serializer):
    seq = serializers.IntegerField(min_value=0, max_value=MAX_INT)


class ChatWidgetInfoSerializer(serializers.Serializer):
    name = strict.CharField()
    greeting = strict.CharField()
    agents_online = strict.BooleanField()


class ChatLeaveMessageSerializer(serializers.Serializer):
    name = strict.CharField(max_length=64, required=False, allow_blank=True, default="")
    phone = strict.CharField(max_length=32, required=False, allow_blank=True, default="")
    customer_token = strict.CharField(max_length=2000, required=False, allow_blank=True, default="")
    body = strict.CharField(allow_blank=True, trim_whitespace=False)


class ChatTicketNumberSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    ticket_number = strict.CharField()


class ChatSessionListQuerySerializer(strict.QuerySerializer):
    view = strict.ChoiceField(
        choices=[("waiting", _("The teams' queue")), ("mine", _("My open chats"))], required=False, allow_blank=True,
        help_text=_("waiting: the teams' queue; mine: my open chats; else the 100 newest."))


class ChatSessionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = strict.ChoiceField(choices=ChatSession.Status.choices)
    name = strict.CharField()
    shop = strict.CharField()
    team = serializers.IntegerField()
    team_name = strict.CharField()
    agent = serializers.IntegerField(allow_null=True)
    agent_name = strict.CharField()
    customer = serializers.IntegerField(allow_null=True)
    is_flagged = strict.BooleanField()
    waiting_since = strict.DateTimeField(allow_null=True)
    created_at = strict.DateTimeField()
    last_seq = serializers.IntegerField()
    customer_read_seq = serializers.IntegerField()
    agent_read_seq = serializers.IntegerField()


class ChatSessionDetailSerializer(ChatSessionSerializer):
    messages = ChatMessageSerializer(many=True)


class ChatRevealRequestSerializer(serializers.Serializer):
    message = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text=_("The id of the message to reveal."))
    reason = strict.CharField(max_length=255)


class ChatRevealSerializer(serializers.Serializer):
    message = serializers.IntegerField()
    body = strict.CharField(allow_blank=True)


class ChatTransferSerializer(serializers.Serializer):
    agent = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    team = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1)
    note = strict.CharField(max_length=500, required=False, allow_blank=True, default="")


class ChatEndSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                      help_text=_("An open ticket of the customer to append the transcript to; else a new ticket."))
    resolve = strict.BooleanField(default=False, help_text=_("Mark the filed ticket resolved."))


class ChatPresenceSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=AgentPresence.Status.choices)
    max_chats = serializers.IntegerField(read_only=True)
    open_chats = serializers.IntegerField(read_only=True)


class ChatLanguageWarningSerializer(serializers.Serializer):
    language = serializers.ListField(child=inline_serializer("ChatLanguageHit", {"phrase": strict.CharField(),
                                                                             "suggestion": strict.CharField()}))
