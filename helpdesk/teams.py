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
