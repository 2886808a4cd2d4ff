"""Models of the non-chat channels: routing rules, mailboxes, e-mails on tickets, logged phone calls.

The tables keep the names they were created with (``db_table``): renaming busy tables buys nothing.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class RoutingRule(models.Model):
    """Which team receives a customer-initiated ticket: the first active rule by position that matches (blank = any)."""

    position = models.PositiveSmallIntegerField(pgettext_lazy("sequence", "order"), default=100)
    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(_("channel"), max_length=16, blank=True)
    kind = models.CharField(_("kind"), max_length=16, blank=True)
    category = models.ForeignKey(
        "tickets.Category", verbose_name=_("category"), on_delete=models.CASCADE, null=True, blank=True,
        help_text=_("Also matches its sub-categories."),
    )
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "id"]
        db_table = "tickets_routingrule"
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")

    def __str__(self):
        return f"{self.position} {self.name} → {self.team}"


class Mailbox(models.Model):
    """An IMAP mailbox the helpdesk polls for customer mail; its address is the From of our replies."""

    name = models.CharField(_("name"), max_length=64)
    address = models.EmailField(_("address"), unique=True, help_text=_("Replies and confirmations are sent from it."))
    imap_host = models.CharField(_("IMAP host"), max_length=255, blank=True, help_text=_("Empty: receive only by the inbound API."))
    imap_port = models.PositiveIntegerField(_("IMAP port"), default=993)
    imap_use_ssl = models.BooleanField(_("IMAP over SSL"), default=True)
    imap_username = models.CharField(_("IMAP user"), max_length=255, blank=True)
    imap_password = models.CharField(_("IMAP password"), max_length=255, blank=True)
    imap_folder = models.CharField(_("IMAP folder"), max_length=100, default="INBOX")
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["name"]
        db_table = "tickets_mailbox"
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self):
        return f"{self.name} <{self.address}>"


class TicketEmail(models.Model):
    """One e-mail in or out of the helpdesk: its Message-ID, threading headers, and what became of it."""

    class Direction(models.TextChoices):
        INBOUND = "in", pgettext_lazy("email direction", "Inbound")
        OUTBOUND = "out", pgettext_lazy("email direction", "Outbound")

    class Status(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("email status", "Received")
        DROPPED = "dropped", pgettext_lazy("email status", "Dropped")
        QUEUED = "queued", pgettext_lazy("email status", "Queued")
        SENT = "sent", pgettext_lazy("email status", "Sent")
        FAILED = "failed", pgettext_lazy("email status", "Failed")

    class Purpose(models.TextChoices):
        CUSTOMER = "customer", pgettext_lazy("email purpose", "Customer mail")
        REPLY = "reply", pgettext_lazy("email purpose", "Agent reply")
        CONFIRMATION = "confirmation", pgettext_lazy("email purpose", "Confirmation")

    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    message_id = models.CharField(_("Message-ID"), max_length=998, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=998, blank=True)
    references = models.TextField(_("References"), blank=True)
    from_address = models.CharField(pgettext_lazy("e-mail address", "from"), max_length=320, blank=True)
    to_address = models.CharField(pgettext_lazy("e-mail address", "to"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, null=True, blank=True, related_name="emails"
    )
    ticket_message = models.OneToOneField(
        "tickets.TicketMessage", verbose_name=_("message"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="email",
    )
    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.SET_NULL, null=True, blank=True)
    note = models.CharField(_("note"), max_length=255, blank=True, help_text=_("Why it was dropped, or the send error."))
    attempts = models.PositiveSmallIntegerField(_("send attempts"), default=0)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "tickets_ticketemail"
        verbose_name = _("ticket e-mail")
        verbose_name_plural = _("ticket e-mails")
        # Given to the service account of the mail gateway that POSTs to /api/v1/inbound/email/.
        permissions = [("receive_email", _("Can deliver inbound e-mail"))]
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="ticketemail_ticket_idx"),
            models.Index(fields=["status", "-created_at"], name="ticketemail_status_idx"),
        ]

    def __str__(self):
        return self.message_id


class PhoneCall(models.Model):
    """A phone call an agent logged (电话记录): direction, number, wait and talk time, on a ticket."""

    class Direction(models.TextChoices):
        INBOUND = "in", pgettext_lazy("call direction", "Incoming")
        OUTBOUND = "out", pgettext_lazy("call direction", "Outgoing")

    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="calls")
    message = models.OneToOneField(
        "tickets.TicketMessage", verbose_name=_("message"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="call",
    )
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    number = models.CharField(_("phone number"), max_length=32)
    normalized_number = models.CharField(_("normalized number"), max_length=32, db_index=True)
    wait_seconds = models.PositiveIntegerField(_("wait (seconds)"), default=0)
    talk_seconds = models.PositiveIntegerField(_("talk (seconds)"), default=0)
    notes = models.TextField(_("notes"), blank=True)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "tickets_phonecall"
        verbose_name = _("phone call")
        verbose_name_plural = _("phone calls")
        indexes = [models.Index(fields=["ticket", "created_at"], name="phonecall_ticket_idx")]

    def __str__(self):
        return f"{self.get_direction_display()} {self.number}"


class QuarantinedEmail(models.Model):
    """An inbound mail intake could not process, kept whole with the reason until an admin retries it."""

    mailbox = models.ForeignKey(Mailbox, verbose_name=_("mailbox"), on_delete=models.SET_NULL, null=True, blank=True)
    raw = models.BinaryField(_("raw message"))
    reason = models.TextField(_("reason"))
    from_address = models.CharField(pgettext_lazy("e-mail address", "from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=1)
    released_email = models.ForeignKey(
        TicketEmail, verbose_name=_("ticket e-mail"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    retried_at = models.DateTimeField(_("retried at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("quarantined e-mail")
        verbose_name_plural = _("quarantined e-mails")

    def __str__(self):
        return f"{self.from_address or '?'}: {self.subject}"
