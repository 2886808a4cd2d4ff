"""System checks: the message backends that send SMS and e-mail to customers, and their credentials."""

from django.core import checks
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from followups.messaging import backend_path
from followups.providers import missing_settings


@checks.register()
def message_backend_check(app_configs=None, **kwargs):
    """Report a message backend that cannot be imported (every message would stay queued) or lacks credentials."""
    found = []
    for name, path in (("MESSAGE_BACKEND", backend_path()), ("MESSAGE_EMAIL_BACKEND", backend_path("email"))):
        try:
            backend = import_string(path)
        except ImportError as exc:
            found.append(checks.Error(
                _("%(name)s “%(path)s” cannot be imported: %(error)s") % {"name": name, "path": path, "error": exc},
                hint=_("Name a backend class by its dotted path, e.g. followups.messaging.ConsoleBackend, "
                       "followups.providers.AlibabaSmsBackend or a gateway of your own."),
                id="followups.E001",
            ))
            continue
        missing = missing_settings(*getattr(backend, "required_settings", ()))
        if missing:
            found.append(checks.Warning(
                _("%(name)s “%(path)s” needs %(settings)s: every message through it fails.") % {
                    "name": name, "path": path, "settings": ", ".join(missing)},
                hint=_("Set them in the environment (docs/notices.md)."), id="followups.W001",
            ))
    return found
