"""Follow-up visits (回访), their rules, satisfaction surveys and the messages sent to customers.

Their tables are named ``customers_<model>`` (``db_table`` on each model).
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from customers.notices import NoticeKind
from helpdesk.events import AuditEvent, actor_field


class FollowUpSettings(models.Model):
    """The admin's follow-up settings (one row): spacing between visits, attempts, surveys."""

    min_days_between_visits = models.PositiveSmallIntegerField(
        _("do not visit a customer twice within (days)"), default=7, validators=[MaxValueValidator(365)],
        help_text=_("Across all rules; a visit due sooner after another one is skipped and the skip recorded."),
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("call attempts before giving up"), default=3, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    retry_after_hours = models.PositiveSmallIntegerField(
        _("call again after no answer (hours)"), default=2, validators=[MinValueValidator(1), MaxValueValidator(168)]
    )
    lookback_days = models.PositiveSmallIntegerField(
        _("catch up sources due within (days)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(366)],
        help_text=_("The sweeper creates visits for sources that became due within this many days (after downtime too)."),
    )
    survey_expiry_days = models.PositiveSmallIntegerField(
        _("survey link valid for (days)"), default=14, validators=[MinValueValidator(1), MaxValueValidator(365)]
    )
    low_score_threshold = models.PositiveSmallIntegerField(
        _("low overall score (opens a ticket) at or below"), default=2, validators=[MaxValueValidator(5)]
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "customers_followupsettings"
        verbose_name = _("follow-up settings")
        verbose_name_plural = _("follow-up settings")

    def __str__(self):
        return str(_("Follow-up settings"))

    @classmethod
    def current(cls) -> "FollowUpSettings":
        """Return the settings row (the shipped defaults when an admin deleted it)."""
        return cls.objects.order_by("pk").first() or cls()


class FollowUpRule(models.Model):
    """An admin's rule: after what (trigger), how long (delay), what kind of visit, on which channel, owned by whom."""

    class Trigger(models.TextChoices):
        ORDER_DELIVERED = "order_delivered", _("Order delivered")
        RETURN_CLOSED = "return_closed", _("Return closed")
        EXCHANGE_CLOSED = "exchange_closed", _("Exchange closed")
        COMPLAINT_RESOLVED = "complaint_resolved", _("Complaint resolved")
        TICKET_RESOLVED = "ticket_resolved", _("Ticket resolved")
        MONTHLY = "monthly", _("Monthly, for a customer segment")
        BIRTHDAY = "birthday", _("Birthday")
        HOLIDAY = "holiday", _("Statutory holiday greeting")

    class DelayUnit(models.TextChoices):
        CALENDAR_DAYS = "calendar_days", _("calendar days")
        BUSINESS_DAYS = "business_days", _("business days")

    class Kind(models.TextChoices):
        CALL = "call", _("Call task with a script")
        SURVEY = "survey", _("Satisfaction survey message")
        GREETING = "greeting", _("Greeting message")

    class Channel(models.TextChoices):
        PHONE = "phone", pgettext_lazy("follow-up channel", "Phone")
        SMS = "sms", _("SMS")
        EMAIL = "email", pgettext_lazy("follow-up channel", "E-mail")
        CHAT = "chat", pgettext_lazy("follow-up channel", "Chat")

    class Owner(models.TextChoices):
        HANDLER = "handler", _("The original handler")
        TEAM = "team", _("The team's queue")
        ROUND_ROBIN = "round_robin", _("Round-robin in the team")

    code = models.SlugField(_("code"), max_length=48, unique=True)
    name = models.CharField(_("name"), max_length=100)
    trigger = models.CharField(_("trigger"), max_length=24, choices=Trigger.choices)
    delay_days = models.PositiveSmallIntegerField(_("delay (days)"), default=7, validators=[MaxValueValidator(366)])
    delay_unit = models.CharField(_("delay unit"), max_length=16, choices=DelayUnit.choices, default=DelayUnit.CALENDAR_DAYS)
    calendar = models.ForeignKey(
        "helpdesk.BusinessCalendar", verbose_name=_("business calendar"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", help_text=_("Business days and statutory holidays; the China back-office calendar when empty."),
    )
    kind = models.CharField(_("kind of visit"), max_length=16, choices=Kind.choices, default=Kind.CALL)
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.PHONE)
    owner = models.CharField(_("owner"), max_length=16, choices=Owner.choices, default=Owner.HANDLER)
    team = models.ForeignKey(
        "helpdesk.Team", verbose_name=_("team"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        help_text=_("Team of the visits; also the fallback when the source has no handler."),
    )
    segment_level = models.CharField(_("customer level"), max_length=16, blank=True,
                                     help_text=_("Monthly, birthday and holiday rules: only customers of this level."))
    segment_tag = models.CharField(_("customer tag"), max_length=32, blank=True,
                                   help_text=_("Monthly, birthday and holiday rules: only customers with this tag."))
    script = models.TextField(_("call script"), blank=True)
    message = models.TextField(
        _("message text"), blank=True,
        help_text=_("Survey and greeting messages. Placeholders: {customer_name}, {survey_url}."),
    )
    quiet_start = models.TimeField(_("quiet hours from"), default=dt.time(21))
    quiet_end = models.TimeField(_("quiet hours until"), default=dt.time(9))
    is_holiday_quiet = models.BooleanField(_("no calls on statutory holidays"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    rr_position = models.PositiveIntegerField(_("round-robin position"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "customers_followuprule"
        ordering = ["trigger", "code"]
        verbose_name = _("follow-up rule")
        verbose_name_plural = _("follow-up rules")

    def __str__(self):
        return self.name


class FollowUpVisit(models.Model):
    """One follow-up visit (回访) due for a customer: a call task for an agent, or a survey or greeting message."""

    class SourceType(models.TextChoices):
        ORDER = "order", _("Order")
        RETURN = "return", _("Return or exchange")
        TICKET = "ticket", pgettext_lazy("follow-up source", "Ticket")
        CUSTOMER = "customer", pgettext_lazy("follow-up source", "Customer")

    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("follow-up status", "To do")
        DONE = "done", pgettext_lazy("follow-up status", "Done")
        SKIPPED = "skipped", pgettext_lazy("follow-up status", "Skipped")
        CANCELLED = "cancelled", pgettext_lazy("follow-up status", "Cancelled")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        WRONG_NUMBER = "wrong_number", _("Wrong number")
        REFUSED = "refused", _("Refused")
        SENT = "sent", _("Message sent")
        FAILED = "failed", _("Message failed")

    class SkipReason(models.TextChoices):
        NO_CONSENT = "no_consent", _("No consent")
        RECENT_VISIT = "recent_visit", _("Visited recently")
        NO_CONTACT = "no_contact", _("No phone or e-mail")

    rule = models.ForeignKey(FollowUpRule, verbose_name=_("rule"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="visits", db_index=False)
    source_type = models.CharField(_("source type"), max_length=16, choices=SourceType.choices)
    source_id = models.BigIntegerField(_("source id"))
    # "" for one-off triggers; "2026-11" for monthly, "2026" for birthdays, the holiday's date for greetings.
    period = models.CharField(_("period"), max_length=16, blank=True, default="")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="followup_visits", db_index=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", db_index=False)
    return_request = models.ForeignKey("orders.ReturnRequest", verbose_name=_("return request"), on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+", db_index=False)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", db_index=False)
    kind = models.CharField(_("kind of visit"), max_length=16, choices=FollowUpRule.Kind.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=FollowUpRule.Channel.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    skip_reason = models.CharField(_("skip reason"), max_length=16, choices=SkipReason.choices, blank=True)
    due_at = models.DateTimeField(_("due at"))
    # When the source happened (delivery, closing, resolution): the due time is recomputed from it.
    source_at = models.DateTimeField(_("source at"), null=True, blank=True)
    is_provisional = models.BooleanField(
        _("provisional"), default=False,
        help_text=_("The deadline reads a year without the official holiday schedule; it is recomputed when that is entered."),
    )
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", db_index=False)
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assignee"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="followup_visits", db_index=False)
    # The handling agent of the source (ticket assignee), for the KPI issue.
    handler = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("original handler"), on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="+", db_index=False)
    script = models.TextField(_("call script"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (1–5)"), null=True, blank=True,
                                                    validators=[MinValueValidator(1), MaxValueValidator(5)])
    notes = models.TextField(_("notes"), blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("completed by"), on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+", db_index=False)
    created_ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket opened from the visit"),
                                       on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        db_table = "customers_followupvisit"
        ordering = ["due_at", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        permissions = [("view_followup_report", _("Can see follow-up completion per agent"))]
        constraints = [
            # Each due visit exists once, whatever the sweeper's timing, restarts or duplicate events.
            models.UniqueConstraint(fields=["rule", "source_type", "source_id", "period"], name="followupvisit_once_per_source"),
            models.CheckConstraint(condition=models.Q(satisfaction__isnull=True) | models.Q(satisfaction__range=(1, 5)),
                                   name="followupvisit_satisfaction_range"),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"], name="followupvisit_assignee_due_idx"),
            models.Index(fields=["team", "status", "due_at"], name="followupvisit_team_due_idx"),
            models.Index(fields=["status", "kind", "due_at"], name="followupvisit_status_due_idx"),
            models.Index(fields=["customer", "-due_at"], name="followupvisit_customer_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.get_status_display()}"


class FollowUpEvent(AuditEvent):
    """One recorded step of a visit: called without answer, completed, rescheduled, ticket opened, message sent."""

    class Kind(models.TextChoices):
        NO_ANSWER = "no_answer", _("No answer, call again")
        COMPLETED = "completed", pgettext_lazy("follow-up event", "Completed")
        RESCHEDULED = "rescheduled", pgettext_lazy("follow-up event", "Rescheduled")
        TICKET = "ticket", _("Ticket opened from the visit")
        SENT = "sent", pgettext_lazy("follow-up event", "Message sent")
        CLAIMED = "claimed", _("Taken from the team queue")
        RECOMPUTED = "recomputed", _("Due time recomputed")

    visit = models.ForeignKey(FollowUpVisit, verbose_name=_("visit"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    actor = actor_field(related_name="+", db_index=False)

    class Meta(AuditEvent.Meta):
        db_table = "customers_followupevent"
        verbose_name = _("follow-up event")
        verbose_name_plural = _("follow-up events")

    def __str__(self):
        return f"{self.visit_id}:{self.kind}"


class SurveyQuestion(models.Model):
    """A satisfaction dimension asked in every survey (解决效率, 专业程度, 准确性), scored 1–5, with its weight."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    text_zh = models.CharField(_("question (Chinese)"), max_length=200)
    text_en = models.CharField(_("question (English)"), max_length=200)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2, default=1,
                                 validators=[MinValueValidator(0)])
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        db_table = "customers_surveyquestion"
        ordering = ["position", "code"]
        verbose_name = _("survey question")
        verbose_name_plural = _("survey questions")

    def __str__(self):
        return self.text_zh

    def text_for(self, language: str) -> str:
        return self.text_en if (language or "").startswith("en") else self.text_zh


class Survey(models.Model):
    """A satisfaction survey sent to a customer: a signed link, valid until it expires or is answered once."""

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="surveys", db_index=False)
    visit = models.ForeignKey(FollowUpVisit, verbose_name=_("visit"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="surveys")
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", db_index=False)
    return_request = models.ForeignKey("orders.ReturnRequest", verbose_name=_("return request"), on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="+", db_index=False)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", db_index=False)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handling agent"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+", db_index=False)
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", db_index=False)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    expires_at = models.DateTimeField(_("expires at"))
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        db_table = "customers_survey"
        ordering = ["-created_at", "-id"]
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        indexes = [models.Index(fields=["customer", "-created_at"], name="survey_customer_idx")]

    def __str__(self):
        return f"{_('Satisfaction survey')} #{self.pk}"


class SurveyResponse(models.Model):
    """A customer's answer to a survey: overall 1–5, the dimension scores, the weighted score, a comment.

    客户满意度 = Σ(dimension score × weight) / Σ weight; read by the KPI reports by agent, team and date.
    """

    survey = models.OneToOneField(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="response")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="survey_responses", db_index=False)
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="survey_responses")
    return_request = models.ForeignKey("orders.ReturnRequest", verbose_name=_("return request"), on_delete=models.SET_NULL,
                                       null=True, blank=True, related_name="survey_responses")
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="survey_responses")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handling agent"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="survey_responses", db_index=False)
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", db_index=False)
    overall = models.PositiveSmallIntegerField(_("overall satisfaction (1–5)"),
                                               validators=[MinValueValidator(1), MaxValueValidator(5)])
    answers = models.JSONField(_("dimension scores"), default=dict, blank=True)
    score = models.DecimalField(_("weighted score (1–5)"), max_digits=4, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    is_low = models.BooleanField(_("low score"), default=False)
    low_score_ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket opened for the low score"),
                                         on_delete=models.SET_NULL, null=True, blank=True, related_name="+", db_index=False)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True, db_index=True)

    class Meta:
        db_table = "customers_surveyresponse"
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        constraints = [
            models.CheckConstraint(condition=models.Q(overall__range=(1, 5)), name="surveyresponse_overall_range"),
        ]
        indexes = [
            models.Index(fields=["agent", "-submitted_at"], name="surveyresponse_agent_idx"),
            models.Index(fields=["team", "-submitted_at"], name="surveyresponse_team_idx"),
            models.Index(fields=["customer", "-submitted_at"], name="surveyresponse_customer_idx"),
        ]

    def __str__(self):
        return f"{self.overall}/5"


class SmsTemplate(models.Model):
    """A template registered with an SMS provider (短信模板): the code and sign name a notice kind is sent with.

    ``params`` maps the template's parameter names to the notice's fields (``{"code": "number"}``), or lists the
    fields in the template's order (``["number", "amount"]``, for Tencent's positional parameters); Chinese
    providers accept only registered templates, so the text itself is the provider's, not ours.
    """

    class Provider(models.TextChoices):
        ALIBABA = "alibaba", _("Alibaba Cloud SMS")
        TENCENT = "tencent", _("Tencent Cloud SMS")
        GATEWAY = "gateway", _("HTTP gateway")

    provider = models.CharField(_("provider"), max_length=16, choices=Provider.choices)
    kind = models.CharField(_("notice kind"), max_length=24, choices=NoticeKind.choices)
    language = models.CharField(_("language"), max_length=16, choices=settings.LANGUAGES, default="zh-hans")
    template_code = models.CharField(_("template code"), max_length=64,
                                     help_text=_("As registered with the provider, e.g. SMS_123456789 or 1234567."))
    sign_name = models.CharField(_("sign name"), max_length=64, blank=True,
                                 help_text=_("The registered signature (短信签名); empty: the provider's default setting."))
    params = models.JSONField(
        _("parameters"), default=dict, blank=True,
        help_text=_("Template parameter name → notice field, e.g. {\"no\": \"number\", \"amount\": \"amount\"}; for "
                    "Tencent, the fields in the template's order, e.g. [\"number\", \"amount\"]."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        db_table = "customers_smstemplate"
        ordering = ["provider", "kind", "language"]
        verbose_name = _("SMS template")
        verbose_name_plural = _("SMS templates")
        constraints = [
            models.UniqueConstraint(fields=["provider", "kind", "language"], name="smstemplate_one_per_kind"),
        ]

    def __str__(self):
        return f"{self.get_provider_display()} · {self.get_kind_display()} · {self.template_code}"


class CustomerMessage(models.Model):
    """An SMS, e-mail or live-chat notice sent to a customer through the message backend, with its delivery status."""

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", pgettext_lazy("follow-up channel", "E-mail")
        CHAT = "chat", pgettext_lazy("follow-up channel", "Chat")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", pgettext_lazy("message status", "Sent")
        DELIVERED = "delivered", pgettext_lazy("message status", "Delivered")
        FAILED = "failed", pgettext_lazy("message status", "Failed")
        SKIPPED = "skipped", pgettext_lazy("message status", "Not sent")

    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="messages_sent", db_index=False)
    visit = models.ForeignKey(FollowUpVisit, verbose_name=_("visit"), on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="messages")
    ticket = models.ForeignKey("tickets.Ticket", verbose_name=_("ticket"), on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", db_index=False)
    kind = models.CharField(_("notice kind"), max_length=24, choices=NoticeKind.choices, default=NoticeKind.OTHER)
    is_essential = models.BooleanField(
        _("essential"), default=False,
        help_text=_("A transactional notice (return steps, refunds): sent whatever the marketing consent."))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    recipient = models.CharField(_("recipient"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    language = models.CharField(_("language"), max_length=16, blank=True)
    # The notice's fields, from which an SMS template's parameters are taken.
    context = models.JSONField(_("notice fields"), default=dict, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.QUEUED)
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    provider_id = models.CharField(_("provider message id"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt may be made: now, the end of quiet hours, the next day under the cap, or a retry.
    due_at = models.DateTimeField(_("send at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)

    class Meta:
        db_table = "customers_customermessage"
        ordering = ["-created_at", "-id"]
        verbose_name = _("message to a customer")
        verbose_name_plural = _("messages to customers")
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="customermessage_customer_idx"),
            # What the sweeper reads every minute: the few messages still queued, oldest first.
            models.Index(fields=["created_at"], condition=models.Q(status="queued"), name="customermessage_queued_idx"),
            models.Index(fields=["due_at"], condition=models.Q(status="queued"), name="customermessage_due_idx"),
            # Delivery receipts find their message by the provider's id.
            models.Index(fields=["provider_id"], condition=~models.Q(provider_id=""), name="customermessage_provider_idx"),
        ]

    def __str__(self):
        return f"{self.get_channel_display()} · {self.get_status_display()}"


class MessageEvent(AuditEvent):
    """One recorded step of a message: queued for later, attempt failed, sent, delivered, failed, not sent."""

    class Kind(models.TextChoices):
        DEFERRED = "deferred", _("Held until later")
        RETRY = "retry", _("Attempt failed, trying again")
        SENT = "sent", pgettext_lazy("message event", "Sent")
        DELIVERED = "delivered", pgettext_lazy("message event", "Delivered")
        FAILED = "failed", pgettext_lazy("message event", "Failed")
        SKIPPED = "skipped", pgettext_lazy("message event", "Not sent")

    message = models.ForeignKey(CustomerMessage, verbose_name=_("message"), on_delete=models.CASCADE,
                                related_name="events")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = actor_field(related_name="+", db_index=False)

    class Meta(AuditEvent.Meta):
        db_table = "customers_messageevent"
        verbose_name = _("message event")
        verbose_name_plural = _("message events")

    def __str__(self):
        return f"{self.message_id}:{self.kind}"
