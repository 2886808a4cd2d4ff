from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    """The non-chat channels customers reach us by: e-mail in and out, the public web form, logged phone calls."""

    name = "channels"
    verbose_name = _("Channels")
