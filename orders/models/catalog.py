"""What returns and exchanges move: the carriers that ship them and the SKUs with their stock."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Carrier(models.Model):
    """A logistics company that picks up returns and ships exchanges."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=64)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("carrier")
        verbose_name_plural = _("carriers")

    def __str__(self):
        return self.name


class Sku(models.Model):
    """A product variant with its stock; exchanges reserve stock at approval."""

    code = models.CharField(_("SKU"), max_length=64, unique=True)
    name = models.CharField(_("item name"), max_length=128)
    spec = models.CharField(_("model, colour, size"), max_length=128, blank=True)
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    stock = models.PositiveIntegerField(_("in stock"), default=0)
    reserved = models.PositiveIntegerField(_("reserved"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [models.CheckConstraint(condition=Q(reserved__lte=F("stock")), name="sku_reserved_lte_stock")]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def available(self) -> int:
        return self.stock - self.reserved
