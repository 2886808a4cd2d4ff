"""Reads for ticket routing: who may take a ticket now, how many tickets they hold, which tickets wait."""

from django.db.models import Count

from chat.models import AgentPresence
from helpdesk.teams import team_member_ids
from routing.models import RoutingProfile, TeamRouting
from tickets import workflow
from tickets.models import Ticket


def agent_ids_online(*, team) -> list[int]:
    """Return the ids of the team's active members whose presence (在线状态) is online, lowest first."""
    return list(
        AgentPresence.objects.filter(user_id__in=team_member_ids(team=team), status=AgentPresence.Status.ONLINE,
                                     user__is_active=True)
        .order_by("user_id").values_list("user_id", flat=True)
    )


def open_ticket_counts(*, user_ids) -> dict[int, int]:
    """Return how many tickets each agent holds that are neither resolved nor closed, in every team."""
    rows = (Ticket.objects.filter(assignee_id__in=user_ids, status__in=workflow.ACTIVE)
            .values("assignee_id").annotate(count=Count("id")).values_list("assignee_id", "count"))
    return dict(rows)


def agent_ids_handling(*, user_ids, category) -> set[int]:
    """Return those of the agents who handle the category: it or its parent listed, or no category listed at all."""
    if category is None:
        return set(user_ids)
    listed: dict[int, set[int]] = {}
    for user_id, category_id in RoutingProfile.objects.filter(user_id__in=user_ids, categories__isnull=False) \
            .values_list("user_id", "categories"):
        listed.setdefault(user_id, set()).add(category_id)
    wanted = {category.pk, category.parent_id}
    return {user_id for user_id in user_ids if user_id not in listed or listed[user_id] & wanted}


def tickets_waiting(*, team_ids=None, limit: int = 500) -> list[tuple[int, int, bool]]:
    """Return (ticket id, team id, category matched) of unassigned unresolved tickets in automatically routed teams.

    Oldest first: the ticket that has waited longest in the queue is the next one given out.
    """
    tickets = Ticket.objects.filter(assignee__isnull=True, status__in=workflow.ACTIVE,
                                    team__routing__mode__in=[TeamRouting.Mode.ROUND_ROBIN, TeamRouting.Mode.LEAST_LOADED])
    if team_ids is not None:
        tickets = tickets.filter(team_id__in=team_ids)
    return list(tickets.order_by("created_at", "id")
                .values_list("id", "team_id", "team__routing__is_category_matched")[:limit])
