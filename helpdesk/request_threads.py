"""A pool of long-lived threads for the sync part of requests under ASGI, each keeping its database connection."""

import threading
from concurrent.futures import Executor, ThreadPoolExecutor

from asgiref.sync import SyncToAsync
from django.conf import settings
from django.db import connections


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


def request_thread_release() -> bool:
    """Give the current request's pooled thread back now (a long stream needs it no more); False when not pooled."""
    context = SyncToAsync.thread_sensitive_context.get(None)
    executor = getattr(context, "_executor", None)
    if not isinstance(executor, LeasedExecutor):
        return False
    executor.release()
    return True
