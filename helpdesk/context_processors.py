"""Template context for the application shell."""

from helpdesk.navigation import nav_items_for
from helpdesk.roles import primary_role


def shell(request):
    """Add the navigation, the user's role and teams to every page."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "nav_items": nav_items_for(user),
        "current_role": primary_role(user),
        "user_teams": list(user.teams.all()),
    }
