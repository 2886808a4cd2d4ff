"""Live chat pages and streams: the widget script, the demo shop, the agent chat inbox, the SSE streams."""

from django.contrib.auth.decorators import login_required, permission_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseForbidden, JsonResponse, StreamingHttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.templatetags.static import static
from django.views.decorators.http import require_GET

from chat import events, selectors, services
from chat.models import ChatWidget
from helpdesk.models import Team, User
from helpdesk.teams import team_member_ids
from tickets import workflow as ticket_workflow
from tickets.selectors import (
    canned_replies_for, customer_card_with_history, service_phrases_for_typing, ticket_list_for_user,
)

DEMO_WIDGET_KEY = "demo-shop"


def _last_event_id(request) -> int | None:
    value = request.headers.get("Last-Event-ID") or request.GET.get("last_event_id") or ""
    return int(value) if value.isdigit() and len(value) < 19 else None


def _sse(stream) -> StreamingHttpResponse:
    response = StreamingHttpResponse(stream, content_type="text/event-stream; charset=utf-8")
    response["Cache-Control"] = "no-cache, no-transform"
    response["X-Accel-Buffering"] = "no"  # nginx: pass events through at once
    return response


@require_GET
def widget_js(request):
    """Serve the one script a shop embeds; it reads its settings from data attributes of its own tag."""
    body = render_to_string("chat/widget.js", {"css_url": static("chat/widget.css")}, request=request)
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


def demo_shop(request):
    """Show a pretend shop page with the chat widget embedded (``?signed=1``: as a known, signed-in customer)."""
    widget = ChatWidget.objects.filter(key=DEMO_WIDGET_KEY, is_active=True).first() or ChatWidget.objects.filter(is_active=True).first()
    token = ""
    if widget is not None and request.GET.get("signed"):
        token = services.customer_token_sign(widget=widget, phone="13800138000", name="王小明")
    return render(request, "chat/demo_shop.html", {"widget": widget, "customer_token": token})


async def customer_stream(request, pk: int):
    """Stream a visitor's chat as Server-Sent Events (``?ticket=`` a stream ticket; ``Last-Event-ID`` = last message number seen).

    The ticket comes from ``POST /api/v1/chat/sessions/{id}/stream/`` with the visitor token in a header,
    opens one stream and lasts a minute, so the long-lived token never appears in a URL.
    """
    try:
        session_id = await events.stream_db(services.chat_stream_ticket_redeem, session_id=pk,
                                            ticket=request.GET.get("ticket", ""))
    except Http404:
        return HttpResponse(status=404)
    await events.release_request_connections()
    return _sse(events.customer_stream(session_id=session_id, last_seq=_last_event_id(request) or 0))


async def agent_stream(request):
    """Stream the agent's chat inbox as Server-Sent Events (``Last-Event-ID`` = last event id seen)."""
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    if not await events.stream_db(user.has_perm, perm="tickets.add_ticketmessage"):
        return HttpResponseForbidden()
    await events.release_request_connections()
    return _sse(events.agent_stream(user=user, last_event_id=_last_event_id(request)))


async def workspace_stream(request):
    """Stream what changes in the tickets and notifications a staff member sees (one stream per open page).

    Only the streams process (ASGI) holds streams open; a WSGI server (the pages process reached without the
    proxy, the test live server) answers 204, which tells the browser's EventSource not to try again.
    """
    user = await request.auser()
    if not user.is_authenticated:
        return HttpResponse(status=401)
    if not await events.stream_db(user.has_perm, perm="tickets.view_ticket"):
        return HttpResponseForbidden()
    if "wsgi.input" in request.META:  # a WSGI server (PEP 3333 environ): no thread is held for a stream
        return HttpResponse(status=204)
    await events.release_request_connections()
    return _sse(events.workspace_stream(user=user))


@require_GET
def chat_image(request, pk: int):
    """Serve a chat image to the visitor of its chat (the X-Chat-Token header) or an agent who may see the chat."""
    message = selectors.chat_image_get(message_id=pk, user=request.user, token=request.headers.get("X-Chat-Token", ""))
    response = FileResponse(message.image.open("rb"), content_type=message.image_type or "application/octet-stream")
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@login_required
@permission_required("tickets.add_ticketmessage", raise_exception=True)
def chat_inbox(request):
    """Show the agent chat inbox: live waiting queue, my chats, the conversation and the customer card."""
    teams = Team.objects.filter(is_active=True).order_by("name")
    agents = User.objects.filter(is_active=True, pk__in={pk for team in teams for pk in team_member_ids(team=team)}).order_by("username")
    presence = selectors.agent_presence_get(user=request.user)
    return render(request, "chat/inbox.html", {
        "title": _("Live chat"), "active_section": "chat", "presence": presence, "teams": teams, "agents": agents,
        "i18n": _inbox_strings(), "service_phrases": service_phrases_for_typing(),
    })


def _inbox_strings() -> dict:
    return {
        "accept": _("Accept"), "flagged": _("unverified"), "sec": pgettext("duration", "s"), "min": pgettext("duration", "min "),
        "system": _("System"), "image": _("Image"), "read": pgettext("chat read state", "Read"),
        "sent": pgettext("chat read state", "Sent"), "error": _("Something went wrong, please try again."),
        "languageWarning": _("Service language check: consider rewording."), "sendAnyway": _("Send anyway"),
        "filedAs": _("Chat ended, filed as ticket {number}."), "newChat": _("New chat waiting"),
        "assigned": _("A chat was assigned to you"), "newMessage": _("New chat message"), "typing": _("The customer is typing…"),
        "reconnecting": _("Reconnecting…"), "reveal": _("Reveal"), "revealReason": _("Reason for revealing"),
        "status": {"waiting": pgettext("chat", "Waiting"), "active": pgettext("chat", "In conversation"),
                   "ended": pgettext("chat", "Ended")},
    }


@login_required
@permission_required("tickets.add_ticketmessage", raise_exception=True)
def chat_card(request, pk: int):
    """Return the customer card of a chat (masked for agents) with the customer's open tickets (fragment)."""
    session = selectors.chat_session_get_for_agent(user=request.user, pk=pk)
    context = {"session": session, "card": None, "open_tickets": []}
    if session.customer_id:
        context["card"] = customer_card_with_history(viewer=request.user, customer=session.customer)
        context["open_tickets"] = list(ticket_list_for_user(user=request.user).filter(
            customer_id=session.customer_id, status__in=ticket_workflow.ACTIVE).order_by("-created_at")[:10])
    return render(request, "chat/card.html", context)


@login_required
@permission_required("tickets.add_ticketmessage", raise_exception=True)
def chat_canned(request, pk: int):
    """Return the canned replies matching what the agent types, filled in for this chat's customer (JSON)."""
    session = selectors.chat_session_get_for_agent(user=request.user, pk=pk)
    replies = canned_replies_for(user=request.user, q=request.GET.get("q", ""))[:8]
    name = session.display_name
    return JsonResponse({"replies": [{"shortcut": reply.shortcut, "title": reply.title,
                                      "body": reply.body.replace("{customer_name}", name).replace("{order_number}", "")
                                      .replace("{ticket_number}", "")} for reply in replies]})
