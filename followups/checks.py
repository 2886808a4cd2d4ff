"""System checks: the message backend that sends SMS and e-mail to customers."""

from django.core import checks
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from followups.messaging import backend_path


@checks.register()
def message_backend_check(app_configs=None, **kwargs):
    """Report a ``MESSAGE_BACKEND`` that cannot be imported: every message would stay queued."""
    path = backend_path()
    try:
        import_string(path)
    except ImportError as exc:
        return [checks.Error(
            _("MESSAGE_BACKEND “%(path)s” cannot be imported: %(error)s") % {"path": path, "error": exc},
            hint=_("Name a backend class by its dotted path, e.g. followups.messaging.ConsoleBackend, "
                   "followups.messaging.FileBackend or a gateway of your own."),
            id="followups.E001",
        )]
    return []
