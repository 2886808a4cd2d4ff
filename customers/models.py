"""Customer archive (客户档案): customers, their contacts and addresses, reviews, merges, the PII audit and imports."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from helpdesk.events import AppendOnlyModel, AuditEvent, actor_field


class Customer(models.Model):
    """One archive per customer: identity, contacts, level, tags, consent and review state."""

    class Level(models.TextChoices):
        NORMAL = "normal", _("Normal")
        VIP = "vip", _("VIP")
        SVIP = "svip", _("SVIP")

    class ReviewStatus(models.TextChoices):
        NONE = "none", _("Not reviewed")
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    name = models.CharField(_("name"), max_length=64)
    # The primary phone and e-mail; every phone and e-mail (these included) is a CustomerContact row.
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NORMAL)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(_("source shop or platform"), max_length=64, blank=True)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    has_marketing_consent = models.BooleanField(_("consents to marketing"), default=False)
    has_survey_consent = models.BooleanField(_("consents to surveys"), default=True)
    review_status = models.CharField(
        _("review status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.NONE
    )
    # Not indexed: lists filter "merged_into IS NULL" (nearly every row), which an index would not serve.
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        db_index=False,
    )
    merged_at = models.DateTimeField(_("merged at"), null=True, blank=True)
    anonymized_at = models.DateTimeField(_("anonymized at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_pii", _("Can see customers' personal data unmasked")),
            ("export_customer", _("Can export customer data")),
            ("merge_customer", _("Can merge duplicate customers")),
            ("review_customer", _("Can approve or reject archive reviews")),
            ("anonymize_customer", _("Can anonymize a customer (personal-information request)")),
        ]
        indexes = [
            # Name search is a prefix search ("王" finds 王芳) that a pattern index answers.
            models.Index(fields=["name"], name="customer_name_prefix_idx", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.name


class CustomerLevel(models.Model):
    """A customer level an admin may add to (normal, VIP, SVIP by default)."""

    code = models.SlugField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=32)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("customer level")
        verbose_name_plural = _("customer levels")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self._labels_forget()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self._labels_forget()
        return result

    @staticmethod
    def _labels_forget():
        from django.db import transaction

        from customers.selectors import level_labels_forget

        level_labels_forget()
        transaction.on_commit(level_labels_forget)


class CustomerContact(models.Model):
    """A phone number or e-mail address of a customer, with its normalized form for search."""

    class Kind(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")

    # Indexed by the (customer, kind, normalized) unique constraint; a second index would only slow imports.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="contacts", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=254)
    # 13800138000 for "+86 138-0013-8000", +4479… for international numbers, lower case for e-mail.
    normalized = models.CharField(_("normalized value"), max_length=254, db_index=True)
    is_primary = models.BooleanField(_("primary"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "id"]
        verbose_name = _("customer contact")
        verbose_name_plural = _("customer contacts")
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "normalized"], name="customercontact_unique_per_customer"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.customer_id}"


class CustomerTag(models.Model):
    """One tag of one customer: a copy of ``Customer.tags`` for the tag filter.

    Written only by ``customers.services.customer_tags_sync``, which every writer of ``tags`` (services,
    admin, imports, generated data) calls in the same transaction. Its (tag, customer) key answers
    "newest customers with this tag" in index order however rare or skewed the tag is.
    """

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="+",
                                 db_index=False)
    tag = models.CharField(_("tag"), max_length=64)

    class Meta:
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [models.UniqueConstraint(fields=["tag", "customer"], name="customertag_tag_customer_unique")]
        # customer_tags_sync reads and deletes one customer's rows on every change of its tags.
        indexes = [models.Index(fields=["customer"], name="customertag_customer_idx")]

    def __str__(self):
        return self.tag


class CustomerAddress(models.Model):
    """A postal address of a customer (收货地址)."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="addresses")
    label = models.CharField(_("label"), max_length=32, blank=True)
    address = models.CharField(_("address"), max_length=255)
    is_default = models.BooleanField(_("default"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-is_default", "id"]
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")

    def __str__(self):
        return self.label or str(self.pk)


class CustomerEvent(AuditEvent):
    """One recorded change of an archive; names the fields changed, never their personal values."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Archive created")
        UPDATED = "updated", _("Archive changed")
        IMPORTED = "imported", _("Imported")
        REVIEW_SUBMITTED = "review_submitted", _("Submitted for review")
        REVIEW_APPROVED = "review_approved", _("Review approved")
        REVIEW_REJECTED = "review_rejected", _("Review rejected")
        MERGED = "merged", _("Duplicate merged in")
        MERGED_AWAY = "merged_away", _("Merged into another archive")
        EXPORTED = "exported", _("Personal data exported")
        ANONYMIZED = "anonymized", _("Anonymized")

    # Indexed by customerevent_customer_idx; actors are not looked up by event.
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="events", db_index=False
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    actor = actor_field(db_index=False)
    fields = models.JSONField(_("fields changed"), default=list, blank=True)

    class Meta(AuditEvent.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("customer event")
        verbose_name_plural = _("customer events")
        indexes = [models.Index(fields=["customer", "-created_at"], name="customerevent_customer_idx")]

    def __str__(self):
        return f"{self.customer_id}:{self.kind}"


class CustomerReview(models.Model):
    """An archive review (建档评审): an agent submits a new or changed archive, a supervisor decides."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE, related_name="reviews")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    changes = models.JSONField(_("proposed changes"), default=dict, blank=True)
    note = models.TextField(_("submission note"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("submitted by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decided by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("decision reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("archive review")
        verbose_name_plural = _("archive reviews")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"], condition=models.Q(status="pending"), name="customerreview_one_pending"
            ),
        ]

    def __str__(self):
        return f"{self.customer_id}:{self.status}"


class CustomerMerge(models.Model):
    """A recorded merge of a duplicate archive into a survivor, with what moved and a snapshot of the duplicate."""

    survivor = models.ForeignKey(Customer, verbose_name=_("survivor"), on_delete=models.PROTECT, related_name="merges_in")
    duplicate = models.OneToOneField(
        Customer, verbose_name=_("duplicate"), on_delete=models.PROTECT, related_name="merge_out"
    )
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.SET_NULL, null=True)
    moved = models.JSONField(_("rows moved"), default=dict)
    snapshot = models.JSONField(_("duplicate before the merge"), default=dict)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")

    def __str__(self):
        return f"{self.duplicate_id} → {self.survivor_id}"


class PiiReveal(AppendOnlyModel):
    """Audit of one reveal of personal data: who, whom, which field or message, reason, when."""

    class Field(models.TextChoices):
        PHONE = "phone", _("Phone")
        EMAIL = "email", _("E-mail")
        ADDRESS = "address", _("Address")
        MESSAGE = "message", _("Message text")

    # What a reveal of an archive names; a message's text is revealed on its ticket or chat.
    ARCHIVE_FIELDS = (Field.PHONE, Field.EMAIL, Field.ADDRESS)

    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("viewer"), on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="reveals",
                                 null=True, blank=True, help_text=_("Empty for a chat visitor without an archive."))
    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    source = models.CharField(_("message"), max_length=100, blank=True,
                              help_text=_("Which message's text was revealed, e.g. a ticket number and message id."))
    reason = models.CharField(_("reason"), max_length=255)
    created_at = models.DateTimeField(_("revealed at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal data reveal")
        verbose_name_plural = _("personal data reveals")

    def __str__(self):
        return f"{self.viewer_id}→{self.customer_id}:{self.field}"


class PiiRequest(AppendOnlyModel):
    """A personal-information request (PIPL) carried out: an export of everything held, or an anonymization."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export of personal data")
        ANONYMIZE = "anonymize", _("Anonymization")

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="pii_requests")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("actor"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("personal-information request")
        verbose_name_plural = _("personal-information requests")

    def __str__(self):
        return f"{self.customer_id}:{self.kind}"


class PrivacyPolicy(models.Model):
    """The admin-editable privacy policy: whether agents may reveal a masked field (one row)."""

    allow_agent_reveal = models.BooleanField(_("agents may reveal a masked field with a reason"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("privacy policy")
        verbose_name_plural = _("privacy policy")

    def __str__(self):
        return str(_("Privacy policy"))


class CustomerImport(models.Model):
    """An import of customers from a CSV or XLSX file, with its progress and per-row error report."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing: any bad row rejects the file")
        VALID_ROWS = "valid_rows", _("Import the valid rows and report the rest")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="customer-imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=255)
    mode = models.CharField(_("mode"), max_length=16, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("customers created"), default=0)
    error_count = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("error report"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer import")
        verbose_name_plural = _("customer imports")

    def __str__(self):
        return self.original_name

