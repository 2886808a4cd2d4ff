"""Order imports from CSV/XLSX files, run in the background."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderImport(models.Model):
    """A CSV/XLSX order import run in the background, with its progress and the rows it refused."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    file = models.FileField(_("file"), upload_to="order-imports/%Y/%m/")
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows processed"), default=0)
    orders_created = models.PositiveIntegerField(_("orders created"), default=0)
    orders_skipped = models.PositiveIntegerField(_("orders already present"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("order import")
        verbose_name_plural = _("order imports")

    def __str__(self):
        return f"{self.pk} {self.status}"
