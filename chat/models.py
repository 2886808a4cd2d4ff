"""Live chat: shop widgets, chat sessions, their messages and events, agent presence.

The tables keep the names they were created with (``db_table``): renaming busy tables buys nothing.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.events import AuditEvent, actor_field
from tickets.models import ForbiddenPhrase


def _new_key() -> str:
    return secrets.token_urlsafe(12)


def _new_secret() -> str:
    return secrets.token_urlsafe(32)


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class ChatWidget(models.Model):
    """A shop's chat widget: its public key, the team that answers and the secret that signs customer tokens."""

    name = models.CharField(_("shop name"), max_length=64)
    key = models.SlugField(_("widget key"), max_length=32, unique=True, default=_new_key,
                           help_text=_("Public: the data-shop attribute of the widget's script tag."))
    secret = models.CharField(_("signing secret"), max_length=64, default=_new_secret,
                              help_text=_("HMAC-SHA256 key the shop signs customer tokens with; keep it on the shop's server."))
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="chat_widgets")
    greeting = models.CharField(_("greeting"), max_length=200, blank=True)
    is_auto_assign = models.BooleanField(
        _("assign automatically"), default=False,
        help_text=_("Give new chats to the least busy online agent of the team under their limit."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        db_table = "tickets_chatwidget"
        verbose_name = _("chat widget")
        verbose_name_plural = _("chat widgets")

    def __str__(self):
        return self.name


class ChatSession(models.Model):
    """One live conversation between a shop's customer (or anonymous visitor) and an agent."""

    class Status(models.TextChoices):
        WAITING = "waiting", pgettext_lazy("chat", "Waiting")
        ACTIVE = "active", pgettext_lazy("chat", "In conversation")
        ENDED = "ended", pgettext_lazy("chat", "Ended")

    widget = models.ForeignKey(ChatWidget, verbose_name=_("chat widget"), on_delete=models.PROTECT, related_name="sessions")
    token = models.CharField(_("visitor token"), max_length=64, unique=True, default=_new_token, editable=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="chat_sessions")
    visitor_name = models.CharField(_("visitor name"), max_length=64, blank=True)
    visitor_phone = models.CharField(_("visitor phone"), max_length=32, blank=True)
    is_flagged = models.BooleanField(_("flagged"), default=False,
                                     help_text=_("The customer token did not verify; the chat runs as anonymous."))
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="chat_sessions")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.PROTECT,
                              null=True, blank=True, related_name="chat_sessions")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.WAITING)
    last_seq = models.PositiveIntegerField(_("last message number"), default=0)
    customer_read_seq = models.PositiveIntegerField(_("read by the customer up to"), default=0)
    agent_read_seq = models.PositiveIntegerField(_("read by the agent up to"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="chat_sessions")
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    stream_tickets_used = models.PositiveIntegerField(
        _("stream tickets used"), default=0, editable=False,
        help_text=_("How many stream tickets of this chat were spent; a ticket names the count it was issued at."))

    class Meta:
        ordering = ["-created_at"]
        db_table = "tickets_chatsession"
        verbose_name = _("chat session")
        verbose_name_plural = _("chat sessions")
        indexes = [
            # The waiting queue of a team, oldest first; and an agent's open chats.
            models.Index(fields=["team", "status", "waiting_since"], name="chat_team_status_idx"),
            models.Index(fields=["agent", "status"], name="chat_agent_status_idx"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.display_name}"

    @property
    def display_name(self) -> str:
        return self.visitor_name or (self.customer.name if self.customer_id else "") or str(_("Visitor"))


class ChatMessage(models.Model):
    """One message of a chat; ``seq`` counts up per session and is the SSE event id of the customer stream."""

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    session = models.ForeignKey(ChatSession, verbose_name=_("chat session"), on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveIntegerField(_("number"))
    sender = models.CharField(_("sender"), max_length=8, choices=Sender.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL,
                               null=True, blank=True, related_name="+")
    body = models.TextField(_("body"), blank=True)
    image = models.FileField(_("image"), upload_to="chat/%Y/%m/", blank=True)
    image_type = models.CharField(_("image type"), max_length=32, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["session", "seq"]
        db_table = "tickets_chatmessage"
        verbose_name = _("chat message")
        verbose_name_plural = _("chat messages")
        constraints = [models.UniqueConstraint(fields=["session", "seq"], name="chat_message_seq_unique")]

    def __str__(self):
        return f"{self.session_id}/{self.seq}"


class ChatLanguageHit(models.Model):
    """A service-language finding (服务用语规范) of a sent agent chat message: a phrase, or a first reply without a greeting.

    The chat's sibling of ``tickets.ServiceLanguageHit``; the findings go with the message into the ticket's
    transcript when the chat ends.
    """

    phrase = models.ForeignKey("tickets.ForbiddenPhrase", verbose_name=_("phrase"), on_delete=models.CASCADE,
                               null=True, blank=True, related_name="chat_hits")
    kind = models.CharField(_("kind"), max_length=12, choices=ForbiddenPhrase.Kind.choices)
    message = models.ForeignKey(ChatMessage, verbose_name=_("chat message"), on_delete=models.CASCADE,
                                related_name="language_hits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("chat service-language finding")
        verbose_name_plural = _("chat service-language findings")
        indexes = [models.Index(fields=["user", "created_at"], name="chat_language_hit_user_idx")]

    def __str__(self):
        return f"{self.phrase or self.get_kind_display()}@{self.message_id}"


class ChatEvent(AuditEvent):
    """One recorded change of a chat or of an agent's presence; its id is the SSE event id of the agent inbox stream."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("chat event", "New chat")
        MESSAGE = "message", pgettext_lazy("chat event", "Message")
        ACCEPTED = "accepted", pgettext_lazy("chat event", "Accepted")
        ASSIGNED = "assigned", pgettext_lazy("chat event", "Assigned automatically")
        TRANSFERRED = "transferred", pgettext_lazy("chat event", "Transferred")
        REQUEUED = "requeued", pgettext_lazy("chat event", "Returned to the queue")
        ENDED = "ended", pgettext_lazy("chat event", "Ended")
        READ = "read", pgettext_lazy("chat event", "Read")
        FLAGGED = "flagged", pgettext_lazy("chat event", "Customer token rejected")
        LANGUAGE = "language", pgettext_lazy("chat event", "Service language warning")
        PRESENCE = "presence", pgettext_lazy("chat event", "Presence changed")

    session = models.ForeignKey(ChatSession, verbose_name=_("chat session"), on_delete=models.CASCADE,
                                null=True, blank=True, related_name="events")
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="+")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              null=True, blank=True, related_name="+")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = actor_field(related_name="+")
    message = models.ForeignKey(ChatMessage, verbose_name=_("chat message"), on_delete=models.CASCADE,
                                null=True, blank=True, related_name="+")
    data = models.JSONField(_("data"), default=dict, blank=True)

    class Meta(AuditEvent.Meta):
        ordering = ["id"]
        db_table = "tickets_chatevent"
        verbose_name = _("chat event")
        verbose_name_plural = _("chat events")
        indexes = [models.Index(fields=["team", "id"], name="chat_event_team_idx"),
                   models.Index(fields=["agent", "id"], name="chat_event_agent_idx")]

    def __str__(self):
        return f"{self.kind} {self.session_id}"


class AgentPresence(models.Model):
    """An agent's chat availability (online / away / offline), when they were last seen, and their chat limit."""

    class Status(models.TextChoices):
        ONLINE = "online", pgettext_lazy("presence", "Online")
        AWAY = "away", pgettext_lazy("presence", "Away")
        OFFLINE = "offline", pgettext_lazy("presence", "Offline")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                                related_name="chat_presence")
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OFFLINE)
    max_chats = models.PositiveSmallIntegerField(_("concurrent chat limit"), default=5,
                                                 help_text=_("Most chats the agent works at once (auto-assignment and accepting)."))
    last_seen_at = models.DateTimeField(_("last seen at"), null=True, blank=True)
    auto_away_at = models.DateTimeField(
        _("away by silence since"), null=True, blank=True,
        help_text=_("Set when the inbox went silent and the agent was marked away; their return makes them online again."))
    changed_at = models.DateTimeField(_("changed at"), auto_now=True)

    class Meta:
        db_table = "tickets_agentpresence"
        verbose_name = _("agent chat presence")
        verbose_name_plural = _("agent chat presence")
        indexes = [models.Index(fields=["status", "last_seen_at"], name="chat_presence_seen_idx")]

    def __str__(self):
        return f"{self.user}: {self.status}"
