"""Live updates of the agents' workspace: after a change commits, publish what changed (kinds and ids) to Redis.

The services of every app call ``ticket_live_publish`` where a ticket changes and ``notification_live_publish``
where notifications are given. Each event goes to the channels of the people who may see it: the ticket's team,
every manager (the ``all`` channel), and its assignee and escalation holder by name. The streams process fans
the channels out to the browsers (``chat.events.workspace_stream``, one hub subscription per process).
Payloads carry ids and kinds, never what a customer wrote: the browser fetches what it shows through the
ordinary permission-checked pages. A Redis outage is logged and the write stands: a page reload shows it.
"""

import json
import logging
import uuid

import redis
from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# What a ticket event says changed.
CREATED, ASSIGNED, MESSAGE, STATUS, UPDATED, SLA = "created", "assigned", "message", "status", "updated", "sla"
# A team's queue changed without a ticket it may still see (a ticket handed to another team).
QUEUE = "queue"
NOTIFICATION = "notification"

_clients: dict[str, redis.Redis] = {}


def _prefix() -> str:
    # Pub/sub ignores Redis database numbers: keep each deployment (and test run) apart by the cache prefix.
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{settings.REDIS_URL.rsplit('/', 1)[-1]}:live"


def team_channel(team_id: int) -> str:
    """Return the channel of the people who see a team's tickets."""
    return f"{_prefix()}:t:{team_id}"


def user_channel(user_id: int) -> str:
    """Return the channel of one user: their tickets, the tickets escalated to them, their notifications."""
    return f"{_prefix()}:u:{user_id}"


def all_channel() -> str:
    """Return the channel of those who see every ticket (managers)."""
    return f"{_prefix()}:all"


def channels_for(*, user_id: int, team_ids: list[int] | None) -> list[str]:
    """Return the channels a user's stream listens to; ``team_ids`` None means every ticket."""
    teams = [all_channel()] if team_ids is None else [team_channel(pk) for pk in team_ids]
    return [user_channel(user_id), *teams]


def _client() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _clients:
        _clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _clients[url]


def _send(publishes: list[tuple[str, dict]]) -> None:
    try:
        with _client().pipeline(transaction=False) as pipe:
            for channel, payload in publishes:
                pipe.publish(channel, json.dumps(payload, separators=(",", ":")))
            pipe.execute()
    except (redis.RedisError, OSError):
        logger.warning("live: could not publish %d events; pages show them on reload", len(publishes), exc_info=True)


def _publish_on_commit(publishes: list[tuple[str, dict]]) -> None:
    if publishes:
        transaction.on_commit(lambda: _send(publishes), robust=True)


def _event(kind: str, **fields) -> dict:
    # One id per event: a stream that hears it on several of its channels passes it on once.
    return {"id": uuid.uuid4().hex[:16], "kind": kind, **{key: value for key, value in fields.items() if value is not None}}


def ticket_live_publish(*, ticket, kind: str, actor=None, addressed=()) -> None:
    """After commit, tell everyone who may see the ticket that it changed; ``addressed`` users are told it is for them.

    The ticket's assignee and escalation holder hear it on their own channel first (marked ``to`` when
    addressed), its team and the managers on theirs; a stream passes each event on once.
    """
    event = _event(kind, ticket=ticket.pk, team=ticket.team_id, actor=getattr(actor, "pk", None))
    addressed_ids = {getattr(user, "pk", user) for user in addressed if user is not None}
    people = [pk for pk in (ticket.assignee_id, getattr(ticket, "escalated_to_id", None), *addressed_ids) if pk]
    publishes = [(user_channel(pk), {**event, "to": pk} if pk in addressed_ids else event) for pk in dict.fromkeys(people)]
    if ticket.team_id:
        publishes.append((team_channel(ticket.team_id), event))
    publishes.append((all_channel(), event))
    _publish_on_commit(publishes)


def queue_live_publish(*, team_id: int | None) -> None:
    """After commit, tell a team's people that their queue changed (a ticket left it), naming no ticket."""
    if team_id:
        _publish_on_commit([(team_channel(team_id), _event(QUEUE, team=team_id))])


def notification_live_publish(*, notifications) -> None:
    """After commit, tell each recipient of these notifications that they have a new one, and of what kind."""
    _publish_on_commit([
        (user_channel(notification.recipient_id),
         _event(NOTIFICATION, to=notification.recipient_id, topic=notification.kind, ticket=notification.ticket_id))
        for notification in notifications
    ])
