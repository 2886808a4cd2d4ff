"""Tickets and complaints, their messages and their event history."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """A complaint or enquiry category (产品质量, 服务态度, 物流, 支付, 其他), optionally nested."""

    name = models.CharField(_("name"), max_length=64)
    code = models.SlugField(_("code"), max_length=48, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Ticket(models.Model):
    """One customer contact or complaint, worked by an agent until it is closed."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation")
        COMPLAINT = "complaint", _("Complaint")
        AFTER_SALES = "after_sales", _("After-sales")
        ORDER_ISSUE = "order_issue", _("Order issue")

    class Channel(models.TextChoices):
        CHAT = "chat", _("Online chat")
        EMAIL = "email", _("E-mail")
        PHONE = "phone", _("Phone")
        WEB = "web", _("Web form")
        SOCIAL = "social", _("Social media")
        MARKETPLACE = "marketplace", _("Marketplace messaging")

    class Status(models.TextChoices):
        NEW = "new", _("New")
        OPEN = "open", _("Open")
        PENDING_CUSTOMER = "pending_customer", _("Waiting on customer")
        PENDING_INTERNAL = "pending_internal", _("Waiting on internal")
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Priority(models.TextChoices):
        LOW = "low", _("Low")
        NORMAL = "normal", _("Normal")
        HIGH = "high", _("High")
        URGENT = "urgent", _("Urgent")

    number = models.CharField(_("ticket number"), max_length=20, unique=True)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.CONSULTATION)
    channel = models.CharField(_("channel"), max_length=16, choices=Channel.choices, default=Channel.CHAT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.NEW)
    priority = models.CharField(_("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    customer = models.ForeignKey(
        "customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT, related_name="tickets"
    )
    order = models.ForeignKey(
        "orders.Order", verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True, related_name="tickets"
    )
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="tickets"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_tickets",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last activity"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response at"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        permissions = [
            ("merge_ticket", _("Can merge duplicate tickets")),
            ("approve_remedy", _("Can approve remedies above the agent limit")),
        ]
        indexes = [
            # The inbox walks newest activity first and stops after a page (see DESIGN.md).
            models.Index(fields=["-updated_at"], name="ticket_updated_idx"),
            models.Index(fields=["team", "-updated_at"], name="ticket_team_updated_idx"),
            models.Index(fields=["assignee", "-updated_at"], name="ticket_assignee_updated_idx"),
            models.Index(fields=["customer", "-created_at"], name="ticket_customer_created_idx"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"


class TicketMessage(models.Model):
    """A message on a ticket: from the customer, an agent reply, or an internal note."""

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("sender"), max_length=16, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketmessage_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id}:{self.sender}:{self.created_at:%Y-%m-%d %H:%M}"


class TicketEvent(models.Model):
    """One recorded change of a ticket: who changed what, from what to what, and when."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        TEAM = "team", _("Transferred")
        ESCALATED = "escalated", _("Escalated")
        REPLIED = "replied", _("Replied")
        NOTE = "note", _("Internal note")
        SLA_WARNING = "sla_warning", _("SLA warning")
        SLA_BREACH = "sla_breach", _("SLA breached")
        SLA_PAUSED = "sla_paused", _("SLA paused")
        SLA_RESUMED = "sla_resumed", _("SLA resumed")
        SLA_EXTENDED = "sla_extended", _("SLA extended")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.SET_NULL, null=True, blank=True
    )
    from_value = models.CharField(_("from"), max_length=128, blank=True)
    to_value = models.CharField(_("to"), max_length=128, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketevent_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id}:{self.kind}"


from tickets.sla_models import Notification, SLAPolicy, TicketSLA, TicketSLATimer  # noqa: E402,F401
