"""Shop reviews (评价): what the customer rated on the platform, its revisions, the 差评 ticket and its outcome."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from helpdesk.events import AuditEvent


class Review(models.Model):
    """One platform review of an order line, unique per shop and platform review id."""

    class Outcome(models.TextChoices):
        NONE = "", _("Not handled")
        CONTACTED = "contacted", _("Customer contacted")
        RESOLVED = "resolved", _("Resolved")
        REVISED = "revised", _("Customer revised the review")
        APPEALED = "appealed", _("Appealed to the platform")

    shop = models.CharField(_("shop"), max_length=64)
    platform_review_id = models.CharField(_("platform review id"), max_length=64)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    order = models.ForeignKey("orders.Order", verbose_name=_("order"), on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="shop_reviews")
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="shop_reviews")
    sku = models.CharField(_("SKU"), max_length=64, blank=True)
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    text = models.TextField(_("text"), blank=True)
    images = models.JSONField(_("images"), default=list, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    ticket = models.OneToOneField("tickets.Ticket", verbose_name=_("差评 ticket"), on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="review")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("attributed agent"),
                              on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                              help_text=_("The agent of the order's last ticket before the review."))
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("attributed team"), on_delete=models.SET_NULL,
                             null=True, blank=True, related_name="+")
    outcome = models.CharField(_("review outcome"), max_length=16, choices=Outcome.choices, default=Outcome.NONE, blank=True)
    source = models.CharField(_("source"), max_length=16, default="api")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-reviewed_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["shop", "platform_review_id"], name="review_shop_platform_id_unique"),
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_5"),
        ]
        indexes = [
            models.Index(fields=["reviewed_at"], name="review_reviewed_idx"),
            models.Index(fields=["shop", "reviewed_at"], name="review_shop_reviewed_idx"),
            models.Index(fields=["updated_at"], name="review_updated_idx"),  # what the KPI rollup sweep reads
        ]

    def __str__(self):
        return f"{self.shop} #{self.platform_review_id} ({self.rating}★)"


class ReviewEvent(AuditEvent):
    """A step in a review's history: received, rating revised, 差评 ticket opened, outcome recorded."""

    class Kind(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("review event", "Received")
        REVISED = "revised", _("Revised")
        TICKET = "ticket", _("差评 ticket opened")
        OUTCOME = "outcome", _("Outcome recorded")

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    from_value = models.CharField(pgettext_lazy("changed value", "from"), max_length=64, blank=True)
    to_value = models.CharField(pgettext_lazy("changed value", "to"), max_length=64, blank=True)

    class Meta(AuditEvent.Meta):
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        indexes = [models.Index(fields=["review", "created_at"], name="reviewevent_review_idx")]


class ReviewRevision(models.Model):
    """What a review said before the customer revised it (its earlier rating and text)."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="revisions")
    rating = models.PositiveSmallIntegerField(_("rating"))
    text = models.TextField(_("text"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"))
    replaced_at = models.DateTimeField(_("replaced at"), auto_now_add=True)

    class Meta:
        ordering = ["replaced_at", "id"]
        verbose_name = _("review revision")
        verbose_name_plural = _("review revisions")
