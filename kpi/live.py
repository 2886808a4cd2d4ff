"""The supervisors' live board: what needs attention now, counted in SQL and cached for a few seconds."""

import datetime as dt
import logging

from django.core.cache import cache
from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chat.models import AgentPresence, ChatSession
from followups.models import FollowUpVisit
from kpi.selectors import kpi_team_ids_for_viewer
from orders.models import ReturnDeadline
from sla.models import TicketSLATimer
from tickets import workflow
from tickets.models import Ticket

logger = logging.getLogger(__name__)
CACHE_SECONDS = 10
# Backlog ageing buckets of open tickets by time since creation: < 1 day, 1–3, 3–7, > 7 days.
AGEING_DAYS = (1, 3, 7)
AGEING_LABELS = (_("under 1 day"), _("1–3 days"), _("3–7 days"), _("over 7 days"))


def _ticket_scope(scope: list[int] | None) -> Q:
    return Q() if scope is None else Q(team_id__in=scope)


def live_board_compute(*, scope: list[int] | None) -> dict:
    """Return the board's figures for the teams in scope (None: all teams)."""
    now = timezone.now()
    tickets = Ticket.objects.filter(_ticket_scope(scope), status__in=workflow.ACTIVE)
    by_status = dict(tickets.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    oldest_new = tickets.filter(status=Ticket.Status.NEW).aggregate(at=Min("created_at"))["at"]
    edges = [now - dt.timedelta(days=days) for days in AGEING_DAYS]
    ageing = tickets.aggregate(**{
        f"age_{n}": Count("pk", filter=Q(created_at__lte=newer) & (Q(created_at__gt=older) if older else Q()))
        for n, (newer, older) in enumerate(zip([now] + edges, edges + [None]))
    })
    timers = TicketSLATimer.objects.filter(
        met_at__isnull=True, is_excused=False, ticket__status__in=workflow.ACTIVE,
        **({} if scope is None else {"ticket__team_id__in": scope}),
    )
    sla = timers.aggregate(
        at_risk=Count("ticket_id", distinct=True, filter=Q(breached_at__isnull=True, warned_at__isnull=False)),
        breached=Count("ticket_id", distinct=True, filter=Q(breached_at__isnull=False)),
    )
    chats = ChatSession.objects.filter(status__in=[ChatSession.Status.WAITING, ChatSession.Status.ACTIVE],
                                       **({} if scope is None else {"team_id__in": scope}))
    chat = chats.aggregate(
        waiting=Count("pk", filter=Q(status=ChatSession.Status.WAITING)),
        oldest=Min("waiting_since", filter=Q(status=ChatSession.Status.WAITING)),
        active=Count("pk", filter=Q(status=ChatSession.Status.ACTIVE)),
    )
    presence = AgentPresence.objects.exclude(status=AgentPresence.Status.OFFLINE)
    if scope is not None:
        presence = presence.filter(user__teams__in=scope).distinct()
    agents = dict(presence.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    visits = FollowUpVisit.objects.filter(status=FollowUpVisit.Status.PENDING, due_at__lt=now,
                                          **({} if scope is None else {"team_id__in": scope}))
    returns_late = ReturnDeadline.objects.filter(met_at__isnull=True, breached_at__isnull=False).exclude(
        return_request__status__in=["closed", "cancelled", "rejected"]).count()
    return {
        "computed_at": now,
        "open_by_status": [{"status": value, "label": str(label), "count": by_status.get(value, 0)}
                           for value, label in Ticket.Status.choices if value in workflow.ACTIVE],
        "open_total": sum(by_status.values()),
        "ageing": [{"label": label, "count": ageing[f"age_{n}"],
                    "created_after": (edges[n] if n < len(edges) else None),
                    "created_before": (edges[n - 1] if n else None)} for n, label in enumerate(AGEING_LABELS)],
        "longest_unassigned_wait_minutes": round((now - oldest_new).total_seconds() / 60) if oldest_new else 0,
        "chats_waiting": chat["waiting"],
        "chat_longest_wait_seconds": round((now - chat["oldest"]).total_seconds()) if chat["oldest"] else 0,
        "chats_active": chat["active"],
        "agents_online": agents.get(AgentPresence.Status.ONLINE, 0),
        "agents_away": agents.get(AgentPresence.Status.AWAY, 0),
        "sla_at_risk": sla["at_risk"],
        "sla_breached": sla["breached"],
        "returns_past_deadline": returns_late,
        "followups_overdue": visits.count(),
    }


def live_board_for_viewer(*, viewer) -> dict:
    """Return the board for the viewer's teams, from a cache shared by everyone with the same scope."""
    scope = kpi_team_ids_for_viewer(viewer=viewer)
    key = "kpi:live:" + ("all" if scope is None else ",".join(map(str, scope)))
    try:
        board = cache.get(key)
    except Exception:  # the board must still show when Redis is down
        logger.warning("live board cache unavailable", exc_info=True)
        return live_board_compute(scope=scope)
    if board is None:
        board = live_board_compute(scope=scope)
        try:
            cache.set(key, board, CACHE_SECONDS)
        except Exception:
            logger.warning("live board cache unavailable", exc_info=True)
    return board
