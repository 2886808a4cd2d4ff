from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    """The approver's queue (待审批): remedies and refunds above a limit, and cases escalated to them."""

    name = "approvals"
    verbose_name = _("Approvals")
