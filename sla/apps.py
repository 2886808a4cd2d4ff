from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SLAConfig(AppConfig):
    """SLA policies, per-ticket deadlines (首次响应, 问题解决) and the in-app notifications they send."""

    name = "sla"
    verbose_name = _("SLA")
