"""A pool of long-lived threads for the sync part of requests under ASGI, each keeping its database connection."""

import asyncio
import threading
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import closing

from asgiref.local import Local
from asgiref.sync import SyncToAsync, iscoroutinefunction, sync_to_async
from django.conf import settings
from django.core import signals
from django.core.cache import caches
from django.core.exceptions import RequestAborted
from django.core.handlers.asgi import ASGIHandler, get_script_prefix
from django.core.handlers.base import BaseHandler
from django.db import connections
from django.http import FileResponse
from django.urls import Resolver404, get_resolver, set_script_prefix


class RequestThreadPool:
    """Up to ``size`` single-thread executors, lent to one request at a time; beyond that, a thread of its own."""

    def __init__(self, size: int):
        self.size = size
        self.idle: list[ThreadPoolExecutor] = []
        self.created = 0
        self.lock = threading.Lock()

    def take(self) -> ThreadPoolExecutor:
        """Return an idle pooled thread, a new pooled one while under the size, else a transient one."""
        with self.lock:
            if self.idle:
                return self.idle.pop()
            if self.created < self.size:
                self.created += 1
                return ThreadPoolExecutor(max_workers=1, thread_name_prefix="request")
        transient = ThreadPoolExecutor(max_workers=1, thread_name_prefix="request-extra")
        transient.transient = True
        return transient

    def give(self, worker: ThreadPoolExecutor) -> None:
        """Take a thread back; a transient one closes its database connections and ends."""
        if getattr(worker, "transient", False):
            worker.submit(connections.close_all)
            worker.shutdown(wait=False)
            return
        with self.lock:
            self.idle.append(worker)


class LeasedExecutor(Executor):
    """The executor of one request: a pool thread taken at its first sync call and kept until it is released."""

    def __init__(self, pool: RequestThreadPool):
        self.pool = pool
        self.worker: ThreadPoolExecutor | None = None

    def submit(self, fn, /, *args, **kwargs):
        """Run on the request's thread, leasing one first if it has none (never blocks the event loop)."""
        if self.worker is None:
            self.worker = self.pool.take()
        return self.worker.submit(fn, *args, **kwargs)

    def release(self) -> None:
        """Give the thread back; a later sync call of the same request leases one again."""
        worker, self.worker = self.worker, None
        if worker is not None:
            self.pool.give(worker)


_pool: RequestThreadPool | None = None


def request_thread_pool() -> RequestThreadPool:
    """Return the process's pool (``ASGI_REQUEST_THREADS`` threads, default 8)."""
    global _pool
    if _pool is None:
        _pool = RequestThreadPool(int(getattr(settings, "ASGI_REQUEST_THREADS", 8)))
    return _pool


def caches_per_thread() -> None:
    """Keep one cache client per thread, as database connections are.

    Django keeps caches per async context: under ASGI every request that touches the cache (the
    session store does) built a new Redis client with a new connection pool and socket.
    """
    caches._connections = Local(thread_critical=True)


def request_thread_release() -> bool:
    """Give the current request's pooled thread back now (a long stream needs it no more); False when not pooled."""
    context = SyncToAsync.thread_sensitive_context.get(None)
    executor = getattr(context, "_executor", None)
    if not isinstance(executor, LeasedExecutor):
        return False
    executor.release()
    return True


class _PreResolvedHandler(BaseHandler):
    """Django's sync handler that reuses the URL match the ASGI handler already made for the request."""

    def resolve_request(self, request):
        match = request.__dict__.pop("_one_hop_match", None)
        if match is None or hasattr(request, "urlconf"):
            return super().resolve_request(request)
        request.resolver_match = match
        return match


class OneHopASGIHandler(ASGIHandler):
    """Django's ASGI handler that serves a sync view in one call on the request's thread.

    Django's async path hops event loop → thread → loop for the request_started signal, for every
    middleware's process_request/process_response and for response.close(): 21 hops for a request here.
    For a sync view (every page and DRF view) this handler runs the signal, the sync middleware
    chain, the view and, for a non-streaming response, its close() in one hop, then sends the
    response from the loop. Async views (chat streams) keep Django's own path.
    """

    def __init__(self):
        super().__init__()
        self.sync_handler = _PreResolvedHandler()
        self.sync_handler.load_middleware(is_async=False)

    async def handle(self, scope, receive, send):
        match = _resolve(_path_info(scope))
        if match is not None and iscoroutinefunction(match.func):
            await super().handle(scope, receive, send)
            return
        try:
            body_file = await self.read_body(receive)
        except RequestAborted:
            return
        with closing(body_file):
            response = await sync_to_async(self._respond, thread_sensitive=True)(scope, body_file, match)
            if not response.streaming:
                await self.send_response(response, send)
                return
            try:  # as Django: stop streaming when the client goes away
                async with asyncio.TaskGroup() as group:
                    listener = group.create_task(self.listen_for_disconnect(receive))
                    await self.send_response(response, send)
                    listener.cancel()
            except* RequestAborted:
                pass
            await sync_to_async(response.close)()

    def _respond(self, scope, body_file, match):
        """On the request's thread: request_started, the request, the sync chain and view, close() unless streaming."""
        set_script_prefix(get_script_prefix(scope))
        signals.request_started.send(sender=self.__class__, scope=scope)
        request, response = self.create_request(scope, body_file)
        if request is not None:
            request._one_hop_match = match
            response = self.sync_handler.get_response(request)
            response._handler_class = self.__class__
            if isinstance(response, FileResponse):
                response.block_size = self.chunk_size
        if not response.streaming:
            response.close()  # request_finished: the thread's connection is checked here, where it lives
        return response


def _path_info(scope) -> str:
    """Return the request's path without the script prefix, as ASGIRequest computes it."""
    path, script_name = scope["path"], get_script_prefix(scope).rstrip("/")
    if script_name and (path.startswith(script_name + "/") or path == script_name):
        return path[len(script_name):]
    return path


def _resolve(path: str):
    """Return the URL match of a path, None when nothing matches."""
    try:
        return get_resolver().resolve(path)
    except Resolver404:
        return None
