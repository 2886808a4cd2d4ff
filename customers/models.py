"""Customer archive (客户档案)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Customer(models.Model):
    """One archive per customer: identity, contacts, level and tags."""

    class Level(models.TextChoices):
        NORMAL = "normal", _("Normal")
        VIP = "vip", _("VIP")
        SVIP = "svip", _("SVIP")

    name = models.CharField(_("name"), max_length=64)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.EmailField(_("e-mail"), blank=True, db_index=True)
    city = models.CharField(_("city"), max_length=64, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, default=Level.NORMAL)
    tags = models.JSONField(_("tags"), default=list, blank=True)
    source = models.CharField(_("source shop or platform"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        permissions = [
            ("view_pii", _("Can see customers' personal data unmasked")),
            ("export_customer", _("Can export customer data")),
        ]

    def __str__(self):
        return self.name
