"""Every routing write: give a waiting ticket to an online agent with room, through the tickets' assignment."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chat.models import AgentPresence
from helpdesk.enqueue import SWEEP_BATCH
from helpdesk.teams import team_ids_for_user
from routing import selectors
from routing.models import DEFAULT_MAX_OPEN_TICKETS, RoutingProfile, RoutingTurn, TeamRouting
from tickets import workflow
from tickets.models import Ticket
from tickets.services import ticket_assign

# An agent the team never gave a ticket to comes first in the round robin.
NEVER = dt.datetime.min.replace(tzinfo=dt.UTC)


def _reason(mode: str, *, backlog: bool) -> str:
    """Return the note the assignment event carries: why this agent got the ticket."""
    if backlog:
        return _("Assigned automatically: the agent came online")
    if mode == TeamRouting.Mode.ROUND_ROBIN:
        return _("Assigned automatically: round robin")
    return _("Assigned automatically: least loaded")


def _profiles_locked(user_ids: list[int]) -> dict[int, RoutingProfile]:
    """Lock the agents' routing profiles, lowest id first, creating the missing ones with the default capacity.

    Every routing transaction locks in the same order, so two never wait on each other in a circle; the
    lock is held until commit, so the next one counts the tickets this one gave out.
    """
    existing = set(RoutingProfile.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))
    missing = sorted(set(user_ids) - existing)
    if missing:
        RoutingProfile.objects.bulk_create([RoutingProfile(user_id=pk) for pk in missing], ignore_conflicts=True)
    profiles = RoutingProfile.objects.select_for_update().filter(user_id__in=user_ids).order_by("user_id")
    return {profile.user_id: profile for profile in profiles}


def _choose(*, mode: str, candidates: list[int], loads: dict[int, int], turns: dict[int, dt.datetime]) -> int:
    """Return the agent the mode picks: longest since their last ticket, or fewest open tickets then that."""
    def turn(user_id):
        return turns.get(user_id) or NEVER

    if mode == TeamRouting.Mode.ROUND_ROBIN:
        return min(candidates, key=lambda pk: (turn(pk), pk))
    return min(candidates, key=lambda pk: (loads.get(pk, 0), turn(pk), pk))


@transaction.atomic
def ticket_route(*, ticket_id: int, agent_id: int | None = None):
    """Give a waiting ticket to an online agent of its team with room, by the team's mode; return them or None.

    ``agent_id`` offers the ticket to that agent only (their backlog when they come online). Tickets of
    a manual team, assigned, resolved or closed tickets are left alone.
    """
    ticket = Ticket.objects.select_for_update().filter(pk=ticket_id).first()
    if ticket is None or ticket.assignee_id is not None or ticket.status not in workflow.ACTIVE:
        return None
    routing = TeamRouting.objects.filter(team_id=ticket.team_id).first()
    if routing is None or routing.mode == TeamRouting.Mode.MANUAL:
        return None
    candidates = selectors.agent_ids_online(team=ticket.team)
    if agent_id is not None:
        candidates = [pk for pk in candidates if pk == agent_id]
    if routing.is_category_matched:
        handling = selectors.agent_ids_handling(user_ids=candidates, category=ticket.category)
        candidates = [pk for pk in candidates if pk in handling]
    if not candidates:
        return None
    profiles = _profiles_locked(candidates)
    # Counted after the locks: a routing that held them has committed, and its ticket is counted here.
    loads = selectors.open_ticket_counts(user_ids=candidates)
    with_room = [pk for pk in candidates if loads.get(pk, 0) < profiles[pk].max_open_tickets]
    if not with_room:
        return None
    turns = dict(RoutingTurn.objects.filter(team_id=ticket.team_id, user_id__in=with_room)
                 .values_list("user_id", "last_assigned_at"))
    chosen = _choose(mode=routing.mode, candidates=with_room, loads=loads, turns=turns)
    agent = get_user_model().objects.get(pk=chosen)
    ticket_assign(ticket=ticket, actor=None, assignee=agent, note=_reason(routing.mode, backlog=agent_id is not None))
    RoutingTurn.objects.update_or_create(team_id=ticket.team_id, user_id=chosen,
                                         defaults={"last_assigned_at": timezone.now()})
    return agent


def _has_room(user_id: int) -> bool:
    profile = RoutingProfile.objects.filter(user_id=user_id).first()
    capacity = profile.max_open_tickets if profile else DEFAULT_MAX_OPEN_TICKETS
    return selectors.open_ticket_counts(user_ids=[user_id]).get(user_id, 0) < capacity


def agent_backlog_deliver(*, user_id: int, limit: int = SWEEP_BATCH) -> int:
    """Give an agent who came online the waiting tickets of their teams, oldest first, up to capacity; return how many.

    Each ticket is routed in its own transaction; an agent who went away meanwhile gets no more.
    """
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    online = AgentPresence.objects.filter(user_id=user_id, status=AgentPresence.Status.ONLINE).exists()
    if user is None or not online or not _has_room(user_id):
        return 0
    count = 0
    for ticket_id, _team_id, _matched in selectors.tickets_waiting(team_ids=team_ids_for_user(user=user), limit=limit):
        if ticket_route(ticket_id=ticket_id, agent_id=user_id) is not None:
            count += 1
        elif not _has_room(user_id):
            break
    return count


def ticket_sweep_unassigned(*, limit: int = SWEEP_BATCH) -> int:
    """Route the waiting tickets of automatically routed teams, oldest first; return how many found an agent.

    Catches a ticket whose announcement was lost and those that waited while nobody had room. Once a
    ticket of a team finds nobody, the team's later tickets wait for the next sweep, unless the team
    matches categories (the next ticket may be of a category someone handles).
    """
    full: set[int] = set()
    count = 0
    for ticket_id, team_id, is_category_matched in selectors.tickets_waiting(limit=limit):
        if team_id in full:
            continue
        if ticket_route(ticket_id=ticket_id) is not None:
            count += 1
        elif not is_category_matched:
            full.add(team_id)
    return count
