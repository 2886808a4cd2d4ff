"""Team visibility: which teams a user works in and who works in a team, for every app's scoping."""


def team_ids_for_user(*, user) -> list[int]:
    """Return the ids of the teams the user belongs to or leads."""
    return user.team_ids if user.is_authenticated else []


def team_member_ids(*, team) -> set[int]:
    """Return the ids of the team's members and its supervisor."""
    ids = set(team.members.values_list("id", flat=True))
    if team.supervisor_id:
        ids.add(team.supervisor_id)
    return ids


def team_members_by_team(*, team_ids) -> dict[int, list]:
    """Return each team's active members (not its supervisor) by team id, in one query for all the teams."""
    from helpdesk.models import Team

    rows = Team.members.through.objects.filter(team_id__in=list(team_ids), user__is_active=True).select_related("user")
    members: dict[int, list] = {}
    for row in rows:
        members.setdefault(row.team_id, []).append(row.user)
    return members
