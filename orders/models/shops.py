"""The shops the helpdesk serves: which team serves each, and the shop webhook deliveries already applied."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ShopTeam(models.Model):
    """A shop served by a team (outsourced service: a team serves some shops); scopes agents' orders and returns.

    Agents and supervisors see the orders of the shops their teams serve, of shops no team is assigned to,
    and of tickets they may see; managers and admins see every order.
    """

    shop = models.CharField(_("shop"), max_length=64)
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("shop served by a team")
        verbose_name_plural = _("shops served by teams")
        constraints = [models.UniqueConstraint(fields=["shop", "team"], name="shopteam_unique")]

    def __str__(self):
        return f"{self.shop} → {self.team_id}"


class WebhookDelivery(models.Model):
    """A shop webhook event already applied; a second delivery of the same id changes nothing."""

    event_id = models.CharField(_("event id"), max_length=100, unique=True)
    topic = models.CharField(_("topic"), max_length=64)
    order_number = models.CharField(_("order number"), max_length=40, blank=True)
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")

    def __str__(self):
        return self.event_id
