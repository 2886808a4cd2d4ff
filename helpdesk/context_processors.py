"""Template context for the application shell."""

from helpdesk.calendars import provisional_year_warning
from helpdesk.navigation import nav_items_for
from helpdesk.roles import Role, primary_role


def shell(request):
    """Add the navigation, the user's role and teams to every page; for admins, a provisional next year."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    role = primary_role(user)
    return {
        "nav_items": nav_items_for(user),
        "current_role": role,
        "user_teams": list(user.teams.all()),
        "provisional_year": provisional_year_warning() if role == Role.ADMIN else None,
    }
