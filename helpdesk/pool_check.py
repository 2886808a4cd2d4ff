"""The check a pooled database connection passes before a request gets it."""

import select

from psycopg_pool import ConnectionPool


def connection_check(conn) -> None:
    """Ping a pooled connection only when its socket has something to say: the server closed it or sent an error.

    An idle connection in autocommit has nothing to read. A server that terminated it (a restart, a
    failover, ``pg_terminate_backend``) leaves its farewell on the socket, so the full check runs, fails,
    and the pool hands out another connection; a healthy one costs no round trip.
    """
    if conn.closed:
        raise ConnectionError("connection closed")
    poller = select.poll()  # not select.select(): a busy process holds descriptors above FD_SETSIZE
    poller.register(conn.fileno(), select.POLLIN)
    if poller.poll(0):
        ConnectionPool.check_connection(conn)
