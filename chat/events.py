"""Chat real time: publish events to Redis pub/sub, fan them out to Server-Sent Event streams, replay from the database.

Every event is stored before it is published (a ``ChatMessage`` / ``ChatEvent`` row), so a stream
that reconnects with ``Last-Event-ID`` replays what it missed from the database, and nothing is lost
when Redis restarts: streams end, browsers reconnect and fetch the history.

One Redis subscription per process (per event loop) serves every open stream of that process
(``ChatHub``); an idle stream costs a queue and a suspended coroutine, not a Redis connection.
"""

import asyncio
import contextlib
import json
import logging
import weakref
from collections import defaultdict, deque

import redis
import redis.asyncio as aioredis
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import connections

from chat import selectors
from customers.privacy import may_view_pii
from tickets.selectors import ticket_live_channels

logger = logging.getLogger(__name__)

QUEUE_SIZE = 500
_sync_clients: dict[str, redis.Redis] = {}


def _read_and_return(func, kwargs):
    try:
        return func(**kwargs)
    finally:
        connections.close_all()  # back to the pool: a stream holds no database connection between events


async def stream_db(func, **kwargs):
    """Run a database read of a stream on a worker thread; its connection goes back to the pool at once."""
    return await sync_to_async(_read_and_return, thread_sensitive=False)(func, kwargs)


async def release_request_connections() -> None:
    """Before a long stream: give the connections the request's own thread took back to the pool."""
    await sync_to_async(connections.close_all)()


def heartbeat_seconds() -> float:
    """Return how often an idle stream sends a comment line (keeps proxies from closing it)."""
    return float(getattr(settings, "CHAT_SSE_HEARTBEAT_SECONDS", 15))


def recheck_seconds() -> float:
    """Return how often an agent's open stream checks again that its user may chat and in which teams."""
    return float(getattr(settings, "CHAT_STREAM_RECHECK_SECONDS", 60))


def max_stream_seconds() -> float:
    """Return how long a stream stays open at most; then it ends and the browser reconnects."""
    return float(getattr(settings, "CHAT_STREAM_MAX_SECONDS", 3600))


def _prefix() -> str:
    # Pub/sub ignores Redis database numbers: keep each deployment (and test run) apart by the cache prefix.
    return f"{settings.CACHES['default'].get('KEY_PREFIX', '')}:{settings.REDIS_URL.rsplit('/', 1)[-1]}:chat"


def session_channel(session_id: int) -> str:
    """Return the channel a customer's stream listens to."""
    return f"{_prefix()}:s:{session_id}"


def team_channel(team_id: int) -> str:
    """Return the channel every agent of a team listens to (new chats, the waiting queue, presence)."""
    return f"{_prefix()}:t:{team_id}"


def agent_channel(user_id: int) -> str:
    """Return the channel of one agent (their chats' messages, assignments)."""
    return f"{_prefix()}:a:{user_id}"


def hub_client_name() -> str:
    """Return the Redis client name of this deployment's subscriber connections (``CLIENT LIST`` shows it)."""
    return "chat-hub-" + "".join(ch for ch in _prefix() if ch.isalnum() or ch in "-_")[:60]


def _client() -> redis.Redis:
    url = settings.REDIS_URL
    if url not in _sync_clients:
        _sync_clients[url] = redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1)
    return _sync_clients[url]


def chat_publish(channel: str, payload: dict) -> bool:
    """Publish one event; a Redis outage is logged, not raised (the rows are stored, clients refetch)."""
    try:
        _client().publish(channel, json.dumps(payload, ensure_ascii=False, default=str))
        return True
    except redis.RedisError:
        logger.warning("chat: could not publish to %s", channel, exc_info=True)
        return False


def chat_publish_many(publishes: list[tuple[str, dict]]) -> bool:
    """Publish events in one pipelined round trip; a Redis outage is logged, not raised."""
    try:
        with _client().pipeline(transaction=False) as pipe:
            for channel, payload in publishes:
                pipe.publish(channel, json.dumps(payload, ensure_ascii=False, default=str))
            pipe.execute()
        return True
    except redis.RedisError:
        logger.warning("chat: could not publish %d events", len(publishes), exc_info=True)
        return False


def visitors_connected(session_ids: list[int]) -> set[int] | None:
    """Return which of the chats have a visitor's stream open in any process (None when Redis cannot tell).

    Only a visitor's stream subscribes to its chat's channel, so the channel's subscriber count is the
    number of its open streams: nothing is written while a stream idles.
    """
    if not session_ids:
        return set()
    try:
        counts = _client().pubsub_numsub(*(session_channel(pk) for pk in session_ids))
    except redis.RedisError:
        logger.warning("chat: could not count the visitors' streams", exc_info=True)
        return None
    return {pk for pk, (_channel, count) in zip(session_ids, counts) if count}


def sse_format(data: dict, *, event: str, event_id: int | None = None) -> str:
    """Return one Server-Sent Event: optional ``id:``, ``event:`` and one JSON ``data:`` line."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {event}\ndata: {json.dumps(data, ensure_ascii=False, default=str)}\n\n"


class ChatHub:
    """One Redis pub/sub connection of a process, fanned out to the queues of the open streams."""

    def __init__(self):
        self.pubsub = None
        self.client = None
        self.queues: dict[str, set] = defaultdict(set)
        self.reader = None
        self.lock = asyncio.Lock()

    async def open(self, channels: list[str]) -> asyncio.Queue:
        """Return a queue receiving the raw events of the channels; raise RedisError if Redis is down."""
        queue = asyncio.Queue(maxsize=QUEUE_SIZE)
        async with self.lock:
            if self.pubsub is None:
                self.client = aioredis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2,
                                                      client_name=hub_client_name())
                self.pubsub = self.client.pubsub()
            new = [channel for channel in channels if not self.queues.get(channel)]
            if new:
                try:
                    await self.pubsub.subscribe(*new)
                except (redis.RedisError, OSError):
                    await self._reset()
                    raise
            for channel in channels:
                self.queues[channel].add(queue)
            if self.reader is None or self.reader.done():
                self.reader = asyncio.create_task(self._read())
        return queue

    async def close(self, queue: asyncio.Queue, channels: list[str]) -> None:
        """Stop delivering to the queue; unsubscribe channels nobody listens to any more."""
        async with self.lock:
            gone = []
            for channel in channels:
                listeners = self.queues.get(channel)
                if listeners is None:
                    continue
                listeners.discard(queue)
                if not listeners:
                    del self.queues[channel]
                    gone.append(channel)
            if gone and self.pubsub is not None:
                try:
                    await self.pubsub.unsubscribe(*gone)
                except (redis.RedisError, OSError):
                    pass

    async def _read(self) -> None:
        try:
            while True:
                message = await self.pubsub.get_message(ignore_subscribe_messages=True, timeout=5.0)
                if message is None or message.get("type") != "message":
                    continue
                channel = message["channel"].decode() if isinstance(message["channel"], bytes) else message["channel"]
                for queue in list(self.queues.get(channel, ())):
                    try:
                        queue.put_nowait(message["data"])
                    except asyncio.QueueFull:
                        self._end(queue)  # a stream this far behind ends; its browser reconnects and replays
        except asyncio.CancelledError:
            raise
        except (redis.RedisError, OSError, RuntimeError):
            logger.warning("chat: Redis subscription lost; open streams end and clients reconnect", exc_info=True)
            async with self.lock:
                for listeners in self.queues.values():
                    for queue in listeners:
                        self._end(queue)
                self.queues.clear()
                await self._reset()

    @staticmethod
    def _end(queue: asyncio.Queue) -> None:
        while True:
            try:
                queue.put_nowait(None)
                return
            except asyncio.QueueFull:
                queue.get_nowait()

    async def _reset(self) -> None:
        pubsub, client = self.pubsub, self.client
        self.pubsub = self.client = None
        for closable in (pubsub, client):
            if closable is not None:
                try:
                    await closable.aclose()
                except Exception:  # noqa: BLE001 - the connection is already broken
                    pass


_hubs: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ChatHub]" = weakref.WeakKeyDictionary()


def chat_hub() -> ChatHub:
    """Return the hub of the running event loop."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = ChatHub()
    return hub


async def _queue_events(queue, *, heartbeat: float):
    """Yield decoded events from the queue, ``"ping"`` on each idle heartbeat; stop on the end marker or at the stream's maximum age.

    Ending at the maximum age bounds what a stream opened long ago may still carry: the browser's
    reconnect goes through the checks of a new request.
    """
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + max_stream_seconds()
    while True:
        remaining = ends_at - loop.time()
        if remaining <= 0:
            return
        try:
            raw = await asyncio.wait_for(queue.get(), timeout=min(heartbeat, remaining))
        except TimeoutError:
            if loop.time() >= ends_at:
                return
            yield "ping"
            continue
        if raw is None:
            return
        yield json.loads(raw)


async def _rechecked_events(queue, *, access_unchanged):
    """Yield the queue's events and pings; end before the next one once ``access_unchanged()`` says otherwise.

    It is asked every ``CHAT_STREAM_RECHECK_SECONDS``: a user deactivated, without the permission or moved
    between teams gets the stream ended, and the browser's reconnect is a new request with the access as it is now.
    """
    loop = asyncio.get_running_loop()
    recheck = recheck_seconds()
    next_check = loop.time() + recheck
    async for item in _queue_events(queue, heartbeat=min(heartbeat_seconds(), recheck)):
        if loop.time() >= next_check:
            if not await access_unchanged():
                return
            next_check = loop.time() + recheck
        yield item


@contextlib.asynccontextmanager
async def _subscription(channels: list[str]):
    """Hold a stream's queue on the process's hub (None while Redis is down) until the stream ends."""
    hub = chat_hub()
    try:
        queue = await hub.open(channels)
    except (redis.RedisError, OSError):
        queue = None
    try:
        yield queue
    finally:
        if queue is not None:
            await hub.close(queue, channels)


def _seen_before(recent: deque, event_id) -> bool:
    """Return whether the stream passed this event on already (it reached us on two of the stream's channels)."""
    if event_id is None:
        return False
    if event_id in recent:
        return True
    recent.append(event_id)
    return False


async def customer_stream(*, session_id: int, last_seq: int):
    """Yield the SSE text of a customer's chat: state, missed messages, then live events."""
    channels = [session_channel(session_id)]
    async with _subscription(channels) as queue:
        yield "retry: 2000\n\n"
        state = await stream_db(selectors.chat_state_for_customer, session_id=session_id)
        yield sse_format(state, event="state")
        for payload in await stream_db(selectors.chat_messages_for_customer, session_id=session_id, after=last_seq):
            last_seq = payload["seq"]
            yield sse_format(payload, event="message", event_id=payload["seq"])
        if queue is None:
            return  # Redis is down: the browser reconnects after ``retry`` and replays from the database
        async for item in _queue_events(queue, heartbeat=heartbeat_seconds()):
            if item == "ping":
                yield ": ping\n\n"
                continue
            seq = item.get("seq") if item.get("type") == "message" else None
            if seq is not None:
                if seq <= last_seq:
                    continue  # already replayed from the database
                last_seq = seq
            yield sse_format(item, event=item.get("type", "message"), event_id=seq)


async def agent_stream(*, user, last_event_id: int | None):
    """Yield the SSE text of an agent's chat inbox: missed events from the database, then live ones."""
    from chat import services  # the services publish through this module: imported when a stream starts

    team_ids = await stream_db(selectors.chat_stream_team_ids, user_id=user.pk)
    if team_ids is None:
        return
    clear = await stream_db(may_view_pii, viewer=user)
    channels = [team_channel(team_id) for team_id in team_ids] + [agent_channel(user.pk)]

    async def access_unchanged() -> bool:
        return await stream_db(selectors.chat_stream_team_ids, user_id=user.pk) == team_ids

    recent: deque = deque(maxlen=512)
    async with _subscription(channels) as queue:
        yield "retry: 2000\n\n"
        if last_event_id is not None:
            for payload in await stream_db(selectors.chat_events_for_agent, user=user, after=last_event_id):
                recent.append(payload["event_id"])
                payload = selectors.chat_event_for_agent(payload, clear=clear)
                yield sse_format(payload, event=payload["type"], event_id=payload["event_id"])
        if queue is None:
            return
        await stream_db(services.agent_presence_touch, user=user)
        async for item in _rechecked_events(queue, access_unchanged=access_unchanged):
            if item == "ping":
                await stream_db(services.agent_presence_touch, user=user)
                yield ": ping\n\n"
                continue
            event_id = item.get("event_id")
            if _seen_before(recent, event_id):
                continue  # the same event reached us on the team and the agent channel
            item = selectors.chat_event_for_agent(item, clear=clear)
            yield sse_format(item, event=item.get("type", "message"), event_id=event_id)


async def workspace_stream(*, user):
    """Yield the SSE text of a staff member's workspace: the kinds and ids of what changed that they may see.

    Nothing is replayed: the events only say what to fetch again, and a browser whose stream opens again
    (``hello``) fetches its counts and lists afresh. The channels are those of ``ticket_live_channels``,
    asked again every ``CHAT_STREAM_RECHECK_SECONDS``: a change of teams or access ends the stream.
    """
    channels = await stream_db(ticket_live_channels, user_id=user.pk)
    if channels is None:
        return

    async def access_unchanged() -> bool:
        return await stream_db(ticket_live_channels, user_id=user.pk) == channels

    recent: deque = deque(maxlen=512)
    async with _subscription(channels) as queue:
        yield "retry: 2000\n\n"
        if queue is None:
            return  # Redis is down: the browser tries again after ``retry``; the pages still work without it
        yield sse_format({"kind": "hello"}, event="hello")
        async for item in _rechecked_events(queue, access_unchanged=access_unchanged):
            if item == "ping":
                yield ": ping\n\n"
                continue
            if _seen_before(recent, item.get("id")):
                continue  # the same event reached us on the user's and a team's channel
            yield sse_format(item, event="live")
