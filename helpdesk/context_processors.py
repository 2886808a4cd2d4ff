"""Template context for the application shell."""

from django.utils.translation import gettext as _

from helpdesk.calendars import provisional_year_warning
from helpdesk.navigation import nav_items_for
from helpdesk.roles import Role, primary_role


def shell(request):
    """Add the navigation, the user's role and teams, the command palette's words to every page; for admins, a provisional next year."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = primary_role(user)
    return {
        "nav_items": nav_items_for(user),
        "current_role": role,
        "user_teams": user.member_teams,
        "provisional_year": provisional_year_warning() if role == Role.ADMIN else None,
        "palette_i18n": {"actions": _("Go to"), "search": _("Search"), "more": _("All {kind} matching →"),
                         "searchFor": _("Search everything for “{q}”")},
    }
