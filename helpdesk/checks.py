"""System checks: business calendars whose holiday data runs out."""

from django.core import checks
from django.db import DatabaseError
from django.utils.translation import gettext as _


@checks.register(checks.Tags.database)
def calendar_years_check(app_configs=None, databases=None, **kwargs):
    """Warn about calendars without official holiday data for this year or the next (needs the database)."""
    if not databases:
        return []
    from helpdesk.calendars import calendar_years_missing
    from helpdesk.models import BusinessCalendar

    warnings = []
    try:
        calendars = list(BusinessCalendar.objects.filter(uses_holidays=True))
    except DatabaseError:
        return []
    for calendar in calendars:
        missing = calendar_years_missing(calendar)
        if missing:
            warnings.append(checks.Warning(
                _("Business calendar “%(name)s” has no holiday data for %(years)s.")
                % {"name": calendar.name, "years": ", ".join(map(str, missing))},
                hint=_("Enter the State Council holiday schedule in admin (paste the notice); until then deadlines "
                       "in such a year run on a provisional schedule: weekends and statutory holidays, no make-up days."),
                obj=calendar,
                id="helpdesk.W001",
            ))
    return warnings


@checks.register(checks.Tags.security)
def trusted_proxies_check(app_configs=None, **kwargs):
    """Report a TRUSTED_PROXIES entry that is neither an address nor a network."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    from helpdesk.proxies import trusted_networks

    try:
        trusted_networks(tuple(settings.TRUSTED_PROXIES))
    except ImproperlyConfigured as error:
        return [checks.Error(str(error), id="helpdesk.E001")]
    return []
