"""Reads of live chats: what an agent may see, the payloads streams and the API send, replays."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _

from chat.models import AgentPresence, ChatEvent, ChatMessage, ChatSession, ChatWidget
from customers.privacy import text_for_viewer
from helpdesk.models import User
from helpdesk.roles import RANK, Role, primary_role
from helpdesk.teams import team_ids_for_user, team_member_ids

REPLAY_LIMIT = 500


def chat_team_ids(*, user) -> list[int]:
    """Return the teams whose chat queue the user works."""
    return team_ids_for_user(user=user)


def chat_stream_team_ids(*, user_id: int) -> list[int] | None:
    """Return the teams whose events an agent's inbox stream carries, read afresh; None when the user may no longer chat.

    An open stream asks again every ``CHAT_STREAM_RECHECK_SECONDS``: a deactivated user, one who lost the
    permission, or one moved between teams gets their stream ended.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_perm("tickets.add_ticketmessage"):
        return None
    return sorted(chat_team_ids(user=user))


def chat_widget_get(*, key: str) -> ChatWidget:
    """Return the active widget with this public key, or raise Http404."""
    widget = ChatWidget.objects.filter(key=str(key)[:32], is_active=True).select_related("team").first()
    if widget is None:
        raise Http404
    return widget


def _token_filter(*, session_id, token: str) -> dict:
    if not token or not str(session_id).isdigit() or int(session_id) > 2**63 - 1:
        raise Http404
    return {"pk": int(session_id), "token": str(token)[:64]}


def chat_session_for_token(*, session_id, token: str) -> ChatSession:
    """Return the session the visitor's token opens, or raise Http404 (never tells which part was wrong)."""
    session = ChatSession.objects.filter(**_token_filter(session_id=session_id, token=token)).select_related(
        "agent", "team", "widget").first()
    if session is None:
        raise Http404
    return session


def chat_session_locked_for_token(*, session_id, token: str) -> ChatSession:
    """Return the session the visitor's token opens, locked for a new message (in a transaction), or raise Http404."""
    session = (ChatSession.objects.select_for_update()
               .only("id", "status", "agent_id", "team_id", "last_seq", "customer_read_seq", "first_response_at")
               .filter(**_token_filter(session_id=session_id, token=token)).first())
    if session is None:
        raise Http404
    return session


def chat_session_scope_q(*, user) -> Q:
    """Return the filter of the chats an agent may see: their teams' queues and their own chats."""
    return Q(team_id__in=chat_team_ids(user=user)) | Q(agent_id=user.pk)


def chat_session_list_for_agent(*, user, view: str = "") -> QuerySet[ChatSession]:
    """Return the agent's chats: ``waiting`` (their teams' queue, oldest first), ``mine`` (open), else all visible."""
    sessions = ChatSession.objects.select_related("agent", "team", "customer", "widget")
    if view == "waiting":
        return sessions.filter(status=ChatSession.Status.WAITING, team_id__in=chat_team_ids(user=user)).order_by("waiting_since", "id")
    if view == "mine":
        return sessions.filter(agent=user, status=ChatSession.Status.ACTIVE).order_by("accepted_at", "id")
    return sessions.filter(chat_session_scope_q(user=user)).order_by("-id")


def chat_session_get_for_agent(*, user, pk) -> ChatSession:
    """Return a chat the agent may see, or raise Http404."""
    if not str(pk).isdigit() or int(pk) > 2**63 - 1:
        raise Http404
    session = chat_session_list_for_agent(user=user).filter(pk=int(pk)).first()
    if session is None:
        raise Http404
    return session


def agent_presence_get(*, user) -> AgentPresence:
    """Return the agent's presence row (offline with the default limit if they never went online)."""
    return AgentPresence.objects.filter(user=user).first() or AgentPresence(user=user)


def chat_open_count(*, user) -> int:
    """Return how many chats the agent is working now."""
    return ChatSession.objects.filter(agent=user, status=ChatSession.Status.ACTIVE).count()


def chat_agents_online(*, widget: ChatWidget) -> bool:
    """Return whether anyone of the widget's team is online to chat (else the widget offers to leave a message)."""
    return AgentPresence.objects.filter(user_id__in=team_member_ids(team=widget.team),
                                        status=AgentPresence.Status.ONLINE).exists()


# Payloads: the same dicts go through Redis, the replay and the API.

def _agent_name(user) -> str:
    return (user.display_name or user.username) if user else ""


def _image_url(message: ChatMessage) -> str:
    return reverse("chat:image", args=[message.pk]) if message.image else ""


def chat_message_payload(message: ChatMessage, *, session: ChatSession | None = None) -> dict:
    """Return a message as both sides see it (plain text: clients insert it as text, never as HTML)."""
    return {
        "type": "message", "session": message.session_id, "seq": message.seq, "id": message.pk,
        "sender": message.sender, "author_name": _agent_name(message.author) if message.sender == "agent" else "",
        "body": message.body, "image": _image_url(message), "created_at": message.created_at.isoformat(),
    }


def chat_message_for_agent(payload: dict, *, clear: bool) -> dict:
    """Return a message payload as an agent sees it: personal data in the text masked unless ``clear``.

    Only the agent side is masked; the customer's own widget and stream get their text as written.
    """
    body, is_masked = text_for_viewer(payload.get("body", ""), clear=clear)
    return {**payload, "body": body, "is_masked": is_masked}


def chat_event_for_agent(payload: dict, *, clear: bool) -> dict:
    """Return an inbox stream event as an agent sees it (its note and the message in it masked unless ``clear``)."""
    shown = dict(payload)
    if payload.get("note"):
        shown["note"] = text_for_viewer(payload["note"], clear=clear)[0]
    if isinstance(payload.get("message"), dict):
        shown["message"] = chat_message_for_agent(payload["message"], clear=clear)
    return shown


def chat_message_get_for_agent(*, session: ChatSession, pk) -> ChatMessage | None:
    """Return one message of a chat the agent may see, or None."""
    if not str(pk).isdigit() or int(pk) > 2**63 - 1:
        return None
    return session.messages.filter(pk=int(pk)).first()


def chat_state_payload(session: ChatSession) -> dict:
    """Return what the customer sees of a chat's state: status, agent's name, how far the agent has read."""
    return {"session": session.pk, "status": session.status, "agent_name": _agent_name(session.agent),
            "agent_read_seq": session.agent_read_seq, "last_seq": session.last_seq,
            "ticket_number": session.ticket.number if session.ticket_id else ""}


def chat_state_for_customer(*, session_id: int) -> dict:
    """Return the customer's state payload of a session."""
    session = ChatSession.objects.select_related("agent", "ticket").get(pk=session_id)
    return {"type": "state", **chat_state_payload(session)}


def chat_messages_for_customer(*, session_id: int, after: int = 0, limit: int = REPLAY_LIMIT) -> list[dict]:
    """Return the session's messages after number ``after`` (the replay of a reconnecting stream)."""
    messages = ChatMessage.objects.filter(session_id=session_id, seq__gt=after).select_related("author").order_by("seq")[:limit]
    return [chat_message_payload(message) for message in messages]


def chat_session_summary(session: ChatSession) -> dict:
    """Return a chat as an inbox row: who, shop, team, agent, status and times."""
    return {
        "id": session.pk, "status": session.status, "name": session.display_name, "shop": session.widget.name,
        "team": session.team_id, "team_name": session.team.name, "agent": session.agent_id,
        "agent_name": _agent_name(session.agent), "customer": session.customer_id, "is_flagged": session.is_flagged,
        "waiting_since": session.waiting_since.isoformat() if session.waiting_since else None,
        "created_at": session.created_at.isoformat(), "last_seq": session.last_seq,
        "customer_read_seq": session.customer_read_seq, "agent_read_seq": session.agent_read_seq,
    }


def chat_event_payload(event: ChatEvent) -> dict:
    """Return an inbox stream event: ``event_id`` (the SSE id), ``type`` and what the inbox needs to draw it."""
    payload = {"event_id": event.pk, "type": event.kind, "session": event.session_id, "note": event.note,
               "data": event.data, "created_at": event.created_at.isoformat()}
    if event.message_id:
        payload["message"] = chat_message_payload(event.message)
    if event.session_id and event.kind in (ChatEvent.Kind.CREATED, ChatEvent.Kind.ACCEPTED, ChatEvent.Kind.ASSIGNED,
                                           ChatEvent.Kind.TRANSFERRED, ChatEvent.Kind.REQUEUED, ChatEvent.Kind.ENDED):
        session = ChatSession.objects.select_related("agent", "team", "widget", "customer").get(pk=event.session_id)
        payload["chat"] = chat_session_summary(session)
    return payload


def chat_events_for_agent(*, user, after: int, limit: int = REPLAY_LIMIT) -> list[dict]:
    """Return the inbox events after ``after`` that reached the agent's teams or the agent (a stream's replay)."""
    events = (ChatEvent.objects.filter(pk__gt=after).filter(Q(team_id__in=chat_team_ids(user=user)) | Q(agent_id=user.pk))
              .select_related("message__author").order_by("id")[:limit])
    return [chat_event_payload(event) for event in events]


def chat_image_get(*, message_id, user=None, token: str = "") -> ChatMessage:
    """Return a chat image message if the visitor's token or the agent's scope covers it, or raise Http404."""
    if not str(message_id).isdigit() or int(message_id) > 2**63 - 1:
        raise Http404
    message = ChatMessage.objects.select_related("session").filter(pk=int(message_id)).exclude(image="").first()
    if message is None:
        raise Http404
    if token and message.session.token == token:
        return message
    if user is not None and user.is_authenticated and user.has_perm("tickets.add_ticketmessage"):
        chat_session_get_for_agent(user=user, pk=message.session_id)
        return message
    raise Http404


def customer_timeline_sources(*, customer, text, viewer):
    """Yield the customer timeline's source of chats, as far as the viewer may open them (managers: all)."""
    sessions = ChatSession.objects.filter(customer=customer).select_related("agent")
    role = primary_role(viewer) if viewer.is_authenticated else None
    if role is None:
        visible = sessions.none()
    elif RANK[role] >= RANK[Role.MANAGER]:
        visible = sessions
    else:
        visible = sessions.filter(chat_session_scope_q(user=viewer))
    yield ("chat", _("Live chat"), sessions, visible, "created_at",
           lambda c: (f"#{c.pk} {text(c.visitor_name)}", c.get_status_display(), str(c.agent or "")))


def chat_open_for_customer(customer_id: int) -> int | None:
    """Return the id of the customer's newest chat still waiting or in conversation, or None."""
    return (ChatSession.objects.filter(customer_id=customer_id, status__in=[ChatSession.Status.WAITING,
                                                                             ChatSession.Status.ACTIVE])
            .order_by("-pk").values_list("pk", flat=True).first())
