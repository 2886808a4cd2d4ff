"""The widget's message POST under uvicorn, answered from the event loop with one thread hop for the database.

Through Django's ASGI path the sync DRF view cost about 15 ms of CPU per chat message (every
middleware hops between the loop and a thread twice, DRF, two more statements, sync publishes), more
than one process has at 100 messages/s. ``chat_widget_post`` wraps the ASGI application and serves
``POST /api/v1/chat/sessions/{id}/messages/`` with a JSON object whose ``body`` is text itself:

- the request-independent middleware of ``MIDDLEWARE`` (host check, HTTPS redirect, security
  headers, language, CSP, X-Frame-Options, Content-Length) run inline, in their order;
- the token check, the lock, the next number, the message and the event are one statement
  (``tickets.chat_sql``) in one hop to the chat API pool (``chat.chat_customer_message_store``);
- after the commit both events go out in one pipelined ``redis.asyncio`` round trip.

Anything else, and every request that would not end in a 201 (wrong token, too long, ended chat,
another content type, a middleware raising), goes on to Django unchanged with its body, so those
answers stay DRF's. With a middleware it does not know in ``MIDDLEWARE`` the fast path is off.
"""

import asyncio
import contextvars
import functools
import io
import json
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.handlers.asgi import ASGIRequest
from django.db import DatabaseError
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

from tickets import chat
from tickets.chat_events import chat_executor, chat_publish_async, pool_connections_check
from tickets.chat_selectors import chat_message_payload

MAX_BODY_BYTES = 64 * 1024  # a 2,000-character message is at most ~12 KB of JSON; longer ones get Django's 400
# Run inline: they only read the request and set headers, no database, no cookies.
INLINE_MIDDLEWARE = (
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
# Not needed by a CSRF-exempt API without login or cookies (static files, sessions, CSRF, users, messages, htmx).
UNUSED_MIDDLEWARE = (
    "helpdesk.static_files.AsyncWhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
)


class Fallback(Exception):
    """This request is Django's to answer."""


def _not_called(request):
    raise AssertionError("inline middleware never calls the rest of the chain")


@functools.cache
def _inline_middleware() -> tuple | None:
    """Return the inline middleware instances in settings order, or None when MIDDLEWARE has one not listed here."""
    if any(name not in INLINE_MIDDLEWARE + UNUSED_MIDDLEWARE for name in settings.MIDDLEWARE):
        return None
    return tuple(import_string(name)(_not_called) for name in settings.MIDDLEWARE if name in INLINE_MIDDLEWARE)


@functools.cache
def _path_pattern() -> re.Pattern:
    prefix, _zero, suffix = reverse("chat-widget-session-messages", args=[0]).rpartition("/0/")
    return re.compile(f"^{re.escape(prefix)}/([1-9][0-9]{{0,17}})/{re.escape(suffix)}$")


def _header(scope, name: bytes) -> bytes:
    for key, value in scope["headers"]:
        if key == name:
            return value
    return b""


def _handled(scope) -> re.Match | None:
    """Return the path match when the request may take the fast path, judged by its method and headers."""
    if scope["type"] != "http" or scope.get("method") != "POST":
        return None
    match = _path_pattern().match(scope["path"])
    if match is None or _header(scope, b"content-type").split(b";")[0].strip().lower() != b"application/json":
        return None
    length = _header(scope, b"content-length")
    if not length.isdigit() or int(length) > MAX_BODY_BYTES or _inline_middleware() is None:
        return None
    return match


def _reject_constant(name):
    raise ValueError(name)  # NaN / Infinity: DRF's JSON parser refuses them


def _message_body(raw: bytes) -> str:
    """Return the ``body`` text of the JSON object, or raise Fallback for anything DRF would judge differently."""
    try:
        data = json.loads(raw.decode(), parse_constant=_reject_constant)  # UTF-8 only, as DRF's JSONParser
    except ValueError:
        raise Fallback from None
    body = data.get("body") if isinstance(data, dict) else None
    if not isinstance(body, str) or "\x00" in body:
        raise Fallback
    try:
        body.encode()
    except UnicodeEncodeError:  # a lone surrogate
        raise Fallback from None
    return body


def _store(session_id: int, token: str, body: str):
    pool_connections_check()
    try:
        message, publishes = chat.chat_customer_message_store(session_id=session_id, token=token, body=body)
    except (Http404, ValidationError, DatabaseError):  # nothing was written; Django answers (404, 400 or 500) as before
        raise Fallback from None
    return chat_message_payload(message), publishes


def _requested(request) -> tuple[int, object]:
    """Run the inline middleware's requests; return how many ran and the response one of them gave, if any."""
    for ran, instance in enumerate(_inline_middleware(), 1):
        response = instance.process_request(request) if hasattr(instance, "process_request") else None
        if response is not None:
            return ran, response
    return len(_inline_middleware()), None


async def _answer(scope, raw: bytes, session_id: int, send, django_application) -> None:
    """Answer the request, or raise Fallback before anything was written."""
    request = ASGIRequest(scope, io.BytesIO(raw))
    try:
        ran, response = _requested(request)
        body = _message_body(raw) if response is None else ""
    except Fallback:
        raise
    except Exception:  # noqa: BLE001 - e.g. DisallowedHost: Django's chain raises it again and answers
        raise Fallback from None
    if response is None:
        call = functools.partial(_store, session_id, request.headers.get("X-Chat-Token", ""), body)
        payload, publishes = await asyncio.get_running_loop().run_in_executor(
            chat_executor("api"), contextvars.copy_context().run, call)
        # Stored and committed from here on: never fall back (Django would store it a second time).
        await chat_publish_async(publishes)
        response = JsonResponse(payload, status=201, json_dumps_params={"ensure_ascii": False})
        patch_vary_headers(response, ("Accept",))
    for instance in reversed(_inline_middleware()[:ran]):
        if hasattr(instance, "process_response"):
            response = instance.process_response(request, response)
    await django_application.send_response(response, send)


def chat_widget_post(application, django_application):
    """Wrap an ASGI application: the widget's JSON message POSTs take the fast path, the rest goes to ``application``.

    ``django_application`` is Django's ASGIHandler (its ``send_response`` writes the answer).
    """

    async def wrapped(scope, receive, send):
        match = _handled(scope)
        if match is None:
            await application(scope, receive, send)
            return
        chunks, more = [], True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            more = message.get("more_body", False)
        raw = b"".join(chunks)
        try:
            await _answer(scope, raw, int(match[1]), send, django_application)
            return
        except Fallback:
            pass
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": raw, "more_body": False}
            return await receive()

        await application(scope, replay, send)

    return wrapped
