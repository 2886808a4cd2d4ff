"""Tickets and complaints, their messages and their event history."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.events import AuditEvent
from helpdesk.roles import Role


def text_choice_label(choices: type[models.TextChoices], value: str) -> str:
    """Return the label of a value of these choices, or the value itself if they do not know it (as get_FOO_display)."""
    try:
        return choices(value).label
    except ValueError:
        return value


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


class Tag(models.Model):
    """A label agents put on tickets (加急, 重复投诉, 大促) to find them again; admins manage the list."""

    name = models.CharField(_("name"), max_length=32, unique=True)
    colour = models.CharField(
        _("colour"), max_length=7, blank=True,
        validators=[RegexValidator(r"^#[0-9a-fA-F]{6}$", _("A colour like #d9480f."))],
        help_text=_("Optional, as #rrggbb; the badge is grey without one."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self):
        return self.name


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
    escalated_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("escalated to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="escalated_tickets",
    )
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.SET_NULL, null=True, blank=True, related_name="merged"
    )
    tracker_valid_from = models.DateTimeField(
        _("tracking links valid from"), null=True, blank=True,
        help_text=_("Tracking links issued before this time no longer open the ticket."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="tickets")

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
            models.Index(fields=["escalated_to", "-updated_at"], name="ticket_escalated_updated_idx"),
            # Filtering by one status (the commonest inbox filter) still walks newest first.
            models.Index(fields=["status", "-updated_at"], name="ticket_status_updated_idx"),
            # Words of a subject (the list and global search, icontains): trigrams, Chinese needs no word splitter.
            GinIndex(OpClass(Upper("subject"), name="gin_trgm_ops"), name="ticket_subject_trgm"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}"

    # The labels of a list row: what get_<field>_display shows, looked up in the choices instead of a dict built per call.
    @property
    def kind_label(self) -> str:
        return text_choice_label(self.Kind, self.kind)

    @property
    def status_label(self) -> str:
        return text_choice_label(self.Status, self.status)

    @property
    def priority_label(self) -> str:
        return text_choice_label(self.Priority, self.priority)


class TicketMessage(models.Model):
    """A message on a ticket: from the customer, an agent reply, or an internal note."""

    class Sender(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        AGENT = "agent", _("Agent")
        SYSTEM = "system", _("System")

    class BodyFormat(models.TextChoices):
        TEXT = "text", _("Plain text")
        HTML = "html", _("HTML")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(_("sender"), max_length=16, choices=Sender.choices)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, blank=True
    )
    is_internal = models.BooleanField(_("internal note"), default=False)
    body = models.TextField(_("body"))
    body_format = models.CharField(
        _("body format"), max_length=4, choices=BodyFormat.choices, blank=True, db_default="",
        help_text=_("Plain text is shown as written; HTML through the safe subset. Empty for messages kept "
                    "before the format was recorded, judged by their content."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket message")
        verbose_name_plural = _("ticket messages")
        indexes = [
            models.Index(fields=["ticket", "created_at"], name="ticketmessage_ticket_idx"),
            # Words of a message (the global search, icontains of three characters or more).
            GinIndex(OpClass(Upper("body"), name="gin_trgm_ops"), name="ticketmessage_body_trgm"),
        ]

    def __str__(self):
        return f"{self.ticket_id}:{self.sender}:{self.created_at:%Y-%m-%d %H:%M}"

    @property
    def sent_email(self):
        """Return the e-mail this reply went out as, or None (a template reading ``email`` pays for a failed lookup)."""
        return getattr(self, "email", None)


class TicketEvent(AuditEvent):
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
        SLA_RECOMPUTED = "sla_recomputed", _("SLA deadline recomputed")
        SUBJECT = "subject", _("Subject changed")
        TASK = "task", _("Internal task")
        TASK_DONE = "task_done", _("Internal task done")
        TASK_ASSIGNED = "task_assigned", _("Internal task assigned")
        TASK_WARNING = "task_warning", _("Internal task due soon")
        TASK_OVERDUE = "task_overdue", _("Internal task overdue")
        TASK_ESCALATED = "task_escalated", _("Internal task escalated")
        REMEDY = "remedy", _("Remedy proposed")
        REMEDY_APPROVED = "remedy_approved", _("Remedy approved")
        REMEDY_REJECTED = "remedy_rejected", _("Remedy rejected")
        REMEDY_AGREED = "remedy_agreed", _("Customer agreed to the remedy")
        REMEDY_DONE = "remedy_done", _("Remedy carried out")
        ATTACHMENT = "attachment", _("Attachment added")
        MERGED = "merged", _("Merged")
        EMAIL_FAILED = "email_failed", _("E-mail not delivered")
        EMAIL_RESENT = "email_resent", _("E-mail sent again")
        STEP_DONE = "step_done", _("Complaint step completed")
        STEP_WARNING = "step_warning", _("Complaint step due soon")
        STEP_BREACH = "step_breach", _("Complaint step overdue")
        STEP_RECOMPUTED = "step_recomputed", _("Step deadline recomputed")
        TRACKER_SENT = "tracker_sent", _("Tracking link sent")
        TAGGED = "tagged", _("Tag added")
        UNTAGGED = "untagged", _("Tag removed")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_value = models.CharField(pgettext_lazy("changed value", "from"), max_length=128, blank=True)
    to_value = models.CharField(pgettext_lazy("changed value", "to"), max_length=128, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="ticketevent_ticket_idx")]

    def __str__(self):
        return f"{self.ticket_id}:{self.kind}"


class TicketStep(models.Model):
    """One completed step of the complaint flow (投诉处理流程) of a ticket: when, by whom and what completed it.

    A step is completed once: by the action that implies it or explicitly by an agent with a note.
    """

    class Step(models.TextChoices):
        INTAKE = "intake", _("Intake")
        CLASSIFICATION = "classification", _("Classification")
        INVESTIGATION = "investigation", _("Investigation")
        SOLUTION = "solution", _("Solution")
        AGREEMENT = "agreement", _("Agreement")
        EXECUTION = "execution", _("Execution")
        FEEDBACK = "feedback", _("Feedback")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    completed_at = models.DateTimeField(_("completed at"))
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("completed by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    source = models.CharField(
        _("completed by the action"), max_length=20, blank=True,
        help_text=_("The ticket event kind that implied the step; empty when an agent completed it explicitly."),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["ticket", "completed_at", "id"]
        verbose_name = _("complaint step")
        verbose_name_plural = _("complaint steps")
        constraints = [models.UniqueConstraint(fields=["ticket", "step"], name="ticketstep_once")]

    def __str__(self):
        return f"{self.ticket_id}:{self.step}"


class Attachment(models.Model):
    """An image or PDF attached to a ticket, optionally to one of its messages."""

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="attachments")
    message = models.ForeignKey(
        TicketMessage, verbose_name=_("message"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to="tickets/%Y/%m/")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=127)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.name


class CannedReply(models.Model):
    """A prepared reply (快捷回复) with placeholders; global when it has no team, else the team's own."""

    title = models.CharField(_("title"), max_length=100)
    shortcut = models.SlugField(_("shortcut"), max_length=32)
    body = models.TextField(
        _("body"), help_text=_("Placeholders: {customer_name}, {order_number}, {ticket_number}.")
    )
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="canned_replies",
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["shortcut"]
        verbose_name = _("canned reply")
        verbose_name_plural = _("canned replies")
        constraints = [
            models.UniqueConstraint(fields=["team", "shortcut"], name="cannedreply_team_shortcut_uniq"),
            models.UniqueConstraint(
                fields=["shortcut"], condition=models.Q(team__isnull=True), name="cannedreply_global_shortcut_uniq"
            ),
        ]

    def __str__(self):
        return f"/{self.shortcut} {self.title}"


class ForbiddenPhrase(models.Model):
    """A service-language phrase (服务用语规范): forbidden or discouraged (with the wording to use instead), or expected."""

    class Kind(models.TextChoices):
        FORBIDDEN = "forbidden", _("Forbidden")
        DISCOURAGED = "discouraged", _("Discouraged")
        GREETING = "greeting", _("Expected greeting")
        CLOSING = "closing", _("Expected closing")

    WARNED = (Kind.FORBIDDEN, Kind.DISCOURAGED)

    phrase = models.CharField(_("phrase"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=Kind.choices, default=Kind.FORBIDDEN,
        help_text=_("Forbidden and discouraged phrases warn the agent and count against the reply; an agent's first "
                    "reply on a ticket is expected to hold a greeting, the last reply before resolving a closing."),
    )
    suggestion = models.CharField(_("suggested wording"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "phrase"]
        verbose_name = _("service phrase")
        verbose_name_plural = _("service phrases")

    def __str__(self):
        return self.phrase


class ServiceLanguageHit(models.Model):
    """A service-language finding: a phrase in a draft or a sent reply (``message``), or a missing greeting or closing."""

    phrase = models.ForeignKey(ForbiddenPhrase, verbose_name=_("phrase"), on_delete=models.CASCADE, related_name="hits",
                               null=True, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=ForbiddenPhrase.Kind.choices,
                            default=ForbiddenPhrase.Kind.FORBIDDEN)
    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="language_hits")
    message = models.ForeignKey("tickets.TicketMessage", verbose_name=_("message"), on_delete=models.CASCADE,
                                null=True, blank=True, related_name="language_hits",
                                help_text=_("The sent reply; empty for a warning on a draft."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("service-language warning")
        verbose_name_plural = _("service-language warnings")
        indexes = [models.Index(fields=["user", "created_at"], name="language_hit_user_created_idx")]

    def __str__(self):
        return f"{self.phrase or self.get_kind_display()}@{self.ticket_id}"


class InternalTask(models.Model):
    """Work a ticket asks of another department (仓储 / 物流 / 财务 / 产品), owned by its team, with its own deadline.

    The due time is swept like an SLA timer: ``next_check_at`` is when the sweep looks next (the warning,
    the due time, the escalation to the department's lead), cleared once nothing is left to record.
    """

    class Department(models.TextChoices):
        WAREHOUSE = "warehouse", _("Warehouse")
        LOGISTICS = "logistics", _("Logistics")
        FINANCE = "finance", _("Finance")
        PRODUCT = "product", _("Product")
        OTHER = "other", _("Other")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("title"), max_length=200)
    department = models.CharField(_("department"), max_length=16, choices=Department.choices, blank=True)
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="internal_tasks", help_text=_("The department's team the task was routed to."),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="internal_tasks",
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    is_done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("done by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    done_note = models.CharField(_("completion note"), max_length=2000, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True, editable=False)
    overdue_at = models.DateTimeField(_("overdue at"), null=True, blank=True, editable=False)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True, editable=False)
    next_check_at = models.DateTimeField(_("next check at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("internal task")
        verbose_name_plural = _("internal tasks")
        permissions = [("view_all_internaltasks", _("Can see the tasks of every department"))]
        indexes = [
            models.Index(fields=["next_check_at"], name="internaltask_next_check_idx",
                         condition=models.Q(next_check_at__isnull=False)),
            models.Index(fields=["team", "due_at"], name="internaltask_open_team_idx",
                         condition=models.Q(is_done=False)),
        ]

    def __str__(self):
        return self.title


class DepartmentTeam(models.Model):
    """Which team does a department's internal tasks (部门任务): its members are told and its supervisor leads it."""

    department = models.CharField(_("department"), max_length=16, choices=InternalTask.Department.choices, unique=True)
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE,
                             related_name="departments")

    class Meta:
        ordering = ["department"]
        verbose_name = _("department team")
        verbose_name_plural = _("department teams")

    def __str__(self):
        return f"{self.get_department_display()} → {self.team}"


class Remedy(models.Model):
    """A proposed solution (解决方案) for a complaint: kind, amount, approval and customer agreement."""

    class Kind(models.TextChoices):
        REFUND = "refund", _("Refund")
        RESHIP = "reship", _("Re-ship")
        EXCHANGE = "exchange", _("Exchange")
        COUPON = "coupon", _("Coupon")
        COMPENSATION = "compensation", _("Compensation")
        APOLOGY = "apology", _("Apology")

    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        AGREED = "agreed", _("Agreed by customer")
        DONE = "done", _("Carried out")

    ticket = models.ForeignKey(Ticket, verbose_name=_("ticket"), on_delete=models.CASCADE, related_name="remedies")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=10, decimal_places=2, default=0)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)
    agreed_at = models.DateTimeField(_("customer agreed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("remedy")
        verbose_name_plural = _("remedies")

    def __str__(self):
        return f"{self.get_kind_display()} ¥{self.amount}"


class RemedyLimit(models.Model):
    """The largest remedy amount a role may grant without approval (default ¥500 for agents)."""

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, unique=True)
    amount = models.DecimalField(
        _("limit (CNY)"), max_digits=10, decimal_places=2, null=True, blank=True,
        help_text=_("Empty means no limit."),
    )

    class Meta:
        ordering = ["role"]
        verbose_name = _("remedy limit")
        verbose_name_plural = _("remedy limits")

    def __str__(self):
        return f"{self.role}: {self.amount if self.amount is not None else '∞'}"


class ReplyDraft(models.Model):
    """An agent's unsent reply on a ticket, saved as they type and dropped when the reply is sent."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="reply_drafts")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reply_drafts")
    body = models.TextField(max_length=20000)
    is_internal = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("reply draft")
        verbose_name_plural = _("reply drafts")
        indexes = [models.Index(fields=["author", "ticket"], name="replydraft_author_idx")]  # the drafts view
        constraints = [models.UniqueConstraint(fields=["ticket", "author"], name="replydraft_one_per_author")]

    def __str__(self):
        return f"{self.ticket_id}/{self.author_id}"


class SavedView(models.Model):
    """A ticket list an agent saved: a name and the list's query string (status=open&priority=high…)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_ticket_views")
    name = models.CharField(_("name"), max_length=40)
    query = models.CharField(_("filters"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("saved view")
        verbose_name_plural = _("saved views")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="savedview_name_per_user")]

    def __str__(self):
        return self.name
