"""Every write to live chats: start, message, accept, auto-assign, transfer, end, read, presence.

Each service locks the session, checks the chat workflow, saves with ``update_fields``, records a
``ChatEvent`` in the same transaction and publishes to Redis only after commit (``chat.events``):
a message is stored before anyone can receive it.
"""

import base64
import datetime as dt
import hashlib
import hmac
import json
import os

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from chat import sql, workflow
from chat.events import agent_channel, chat_publish, session_channel, team_channel, visitors_connected
from chat.models import AgentPresence, ChatEvent, ChatLanguageHit, ChatMessage, ChatSession, ChatWidget
from chat.selectors import (
    chat_event_payload,
    chat_message_payload,
    chat_session_locked_for_token,
    chat_state_payload,
)
from chat.signals import agent_online
from customers.services import customer_create
from helpdesk.errors import Conflict
from helpdesk.models import Team
from helpdesk.teams import team_ids_for_user, team_member_ids
from sla.services import ticket_sla_conversation_ended
from tickets import workflow as ticket_workflow
from tickets.attachments import sniff_content_type
from tickets.models import ForbiddenPhrase, Ticket, TicketMessage
from tickets.services import (
    customer_find_or_create, phrases_in, service_language_findings, ticket_create, ticket_message_add, ticket_transition,
)

MAX_MESSAGE_CHARS = 2000
MAX_IMAGE_BYTES = 5 * 1024 * 1024
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp"}


class ChatConflict(Conflict):
    """The chat was taken by someone else first, or the agent is at their limit (409)."""


def abandoned_after_minutes() -> int:
    """Return how long a waiting chat lasts without its visitor's stream or a message before it ends itself."""
    return int(getattr(settings, "CHAT_ABANDONED_MINUTES", 10))


def away_after_seconds() -> int:
    """Return how long an agent's inbox may be silent before they count as away."""
    return int(getattr(settings, "CHAT_AWAY_AFTER_SECONDS", 60))


# Customer tokens: the shop signs the customer's phone and name with the widget's secret.

def customer_token_sign(*, widget: ChatWidget, phone: str, name: str = "") -> str:
    """Return a customer token for the widget's ``data-customer-token``: base64url(JSON).hex(HMAC-SHA256)."""
    payload = base64.urlsafe_b64encode(json.dumps({"phone": phone, "name": name}, ensure_ascii=False).encode()).decode()
    signature = hmac.new(widget.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{signature}"


def customer_token_verify(*, widget: ChatWidget, token: str) -> dict | None:
    """Return the signed ``{"phone", "name"}`` of a customer token, or None when it is forged or malformed."""
    payload, _dot, signature = (token or "").strip().partition(".")
    expected = hmac.new(widget.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(expected, signature):
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(payload.encode()))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("phone"), str) or not data["phone"]:
        return None
    return {"phone": data["phone"][:32], "name": str(data.get("name") or "")[:64]}


# Publishing (after commit) and event rows.

# A visitor's stream URL carries a stream ticket, never the visitor token: URLs end up in access logs.
STREAM_TICKET_SALT = "chat.stream-ticket"
STREAM_TICKET_SECONDS = 60


def chat_stream_ticket_issue(*, session: ChatSession) -> str:
    """Return a signed ticket that opens one stream of the chat within ``STREAM_TICKET_SECONDS``.

    The ticket names the chat and how many of its tickets were spent when it was issued: spending one
    moves the count on, so a ticket opens one stream, and an older unspent one none.
    """
    used = ChatSession.objects.filter(pk=session.pk).values_list("stream_tickets_used", flat=True).first()
    return signing.dumps({"s": session.pk, "n": used or 0}, salt=STREAM_TICKET_SALT)


def chat_stream_ticket_redeem(*, session_id, ticket: str) -> int:
    """Spend a stream ticket of the chat; return the chat's id, or raise Http404 (forged, expired, another chat's, spent)."""
    try:
        data = signing.loads(str(ticket)[:200], salt=STREAM_TICKET_SALT, max_age=STREAM_TICKET_SECONDS)
        pk, used = int(data["s"]), int(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise Http404 from None
    if str(pk) != str(session_id):
        raise Http404
    if not ChatSession.objects.filter(pk=pk, stream_tickets_used=used).update(stream_tickets_used=used + 1):
        raise Http404
    return pk


def _after_commit(channel: str, payload: dict) -> None:
    transaction.on_commit(lambda: chat_publish(channel, payload))


def _event_record(session: ChatSession | None, kind: str, *, actor=None, team_id=None, agent_id=None, message=None,
                  note: str = "", data: dict | None = None, extra_agent_ids=()) -> tuple[ChatEvent, list[tuple[str, dict]]]:
    """Record a chat event; return it with the (channel, payload) pairs of its team's and agent's inbox streams."""
    event = ChatEvent.objects.create(session=session, kind=kind, actor=actor, team_id=team_id, agent_id=agent_id,
                                     message=message, note=note, data=data or {})
    return event, _event_publishes(event, extra_agent_ids=extra_agent_ids)


def _event_publishes(event: ChatEvent, *, extra_agent_ids=()) -> list[tuple[str, dict]]:
    """Return the (channel, payload) pairs of an event: its team's and its agents' inbox streams."""
    payload = chat_event_payload(event)
    publishes = [(team_channel(event.team_id), payload)] if event.team_id else []
    return publishes + [(agent_channel(user_id), payload) for user_id in {event.agent_id, *extra_agent_ids} - {None}]


def _event(session: ChatSession | None, kind: str, **kwargs) -> ChatEvent:
    """Record a chat event and publish it to the inbox streams of its team and agent after commit."""
    event, publishes = _event_record(session, kind, **kwargs)
    for channel, payload in publishes:
        _after_commit(channel, payload)
    return event


def _route(session: ChatSession) -> dict:
    """Return where a chat's events go: its agent once assigned, else its team's queue."""
    return {"agent_id": session.agent_id} if session.agent_id else {"team_id": session.team_id}


def _customer_state(session: ChatSession) -> None:
    _after_commit(session_channel(session.pk), {"type": "state", **chat_state_payload(session)})


def _locked(session: ChatSession) -> ChatSession:
    return ChatSession.objects.select_for_update(of=("self",)).select_related("agent", "team", "widget").get(pk=session.pk)


# Sessions and messages.

def _clean_body(body) -> str:
    if not isinstance(body, str):
        raise ValidationError({"body": [_("Enter a text.")]})
    body = body.replace("\x00", "").strip()
    if len(body) > MAX_MESSAGE_CHARS:
        raise ValidationError({"body": [_("A chat message may have at most %(limit)d characters (this one has %(count)d).")
                                        % {"limit": MAX_MESSAGE_CHARS, "count": len(body)}]})
    return body


@transaction.atomic
def chat_session_start(*, widget: ChatWidget, name: str = "", phone: str = "", customer_token: str = "",
                       ip_address: str | None = None, message: str = "") -> ChatSession:
    """Open a chat in the widget's team queue; a valid customer token links the archive, a forged one flags it."""
    if not widget.is_active:
        raise ValidationError({"shop": [_("This chat widget is switched off.")]})
    name, phone = (name or "").strip()[:64], (phone or "").strip()[:32]
    customer, flagged = None, False
    if customer_token:
        signed = customer_token_verify(widget=widget, token=customer_token)
        if signed is None:
            flagged = True
        else:
            name = name or signed["name"]
            customer = _customer_for(name=signed["name"] or name, phone=signed["phone"])
    if customer is None and phone and not flagged:
        customer = _customer_for(name=name, phone=phone)
    if customer is None and not flagged and not (name and phone):
        raise ValidationError({"phone": [_("Give your name and phone number to start a chat.")]})
    now = timezone.now()
    session = ChatSession.objects.create(
        widget=widget, customer=customer, visitor_name=name or (customer.name if customer else ""),
        visitor_phone=phone, is_flagged=flagged, team=widget.team, waiting_since=now, ip_address=ip_address,
    )
    _event(session, ChatEvent.Kind.CREATED, team_id=session.team_id, data={"flagged": flagged})
    if flagged:
        _event(session, ChatEvent.Kind.FLAGGED, team_id=session.team_id)
    if message:
        chat_message_post(session=session, sender=ChatMessage.Sender.CUSTOMER, body=message)
    if widget.is_auto_assign:
        chat_auto_assign(session=session)
    return session


def _customer_for(*, name: str, phone: str):
    try:
        return customer_find_or_create(actor=None, name=name or phone, phone=phone)
    except ValidationError as error:
        raise ValidationError({"phone": error.messages}) from None


def _message_content(body, image) -> tuple[str, str]:
    """Return the cleaned text and the image's content type of a new message; raise ValidationError if it is empty or too long."""
    body = _clean_body(body)
    image_type = chat_image_validate(image) if image is not None else ""
    if not body and image is None:
        raise ValidationError({"body": [_("The message is empty.")]})
    return body, image_type


def _message_store(session: ChatSession, *, sender: str, actor, body: str, image=None,
                   image_type: str = "") -> tuple[ChatMessage, list[tuple[str, dict]]]:
    """Store the locked session's next message and its event; return the message and what to publish after commit."""
    session.last_seq += 1
    message = ChatMessage(session=session, seq=session.last_seq, sender=sender, author=actor, body=body,
                          image_type=image_type)
    if image is not None:
        image.seek(0)
        message.image.save(f"{session.pk}-{session.last_seq}{_extension(image_type)}", image, save=False)
    message.save()
    fields = ["last_seq"]
    if sender == ChatMessage.Sender.AGENT and session.first_response_at is None:
        session.first_response_at = message.created_at
        fields.append("first_response_at")
    if sender == ChatMessage.Sender.CUSTOMER:
        session.customer_read_seq = session.last_seq
        fields.append("customer_read_seq")
    elif sender == ChatMessage.Sender.AGENT:
        session.agent_read_seq = session.last_seq
        fields.append("agent_read_seq")
    session.save(update_fields=fields)
    _stored_event, publishes = _event_record(session, ChatEvent.Kind.MESSAGE, actor=actor, message=message, **_route(session))
    return message, [(session_channel(session.pk), chat_message_payload(message, session=session)), *publishes]


@transaction.atomic
def chat_message_post(*, session: ChatSession, sender: str, actor=None, body="", image=None) -> ChatMessage:
    """Store a message with the session's next number, then publish it to the customer and the inbox."""
    body, image_type = _message_content(body, image)
    session = _locked(session)
    if session.status == ChatSession.Status.ENDED:
        raise ValidationError({"status": [_("This chat has already ended.")]})
    if sender == ChatMessage.Sender.AGENT and session.agent_id != getattr(actor, "pk", None):
        raise ChatConflict(_("Only the agent of this chat may write in it; accept it first."))
    is_first_reply = session.first_response_at is None
    message, publishes = _message_store(session, sender=sender, actor=actor, body=body, image=image, image_type=image_type)
    if sender == ChatMessage.Sender.AGENT and body:
        ChatLanguageHit.objects.bulk_create([
            ChatLanguageHit(phrase=phrase, kind=kind, message=message, user=actor)
            for phrase, kind in service_language_findings(text=body, is_first_reply=is_first_reply)])
    for channel, payload in publishes:
        _after_commit(channel, payload)
    return message


def chat_notice_post(session_id: int, body: str) -> str:
    """Write a notice to the customer (a refund done, a step of their return) into their open chat as a system message."""
    with transaction.atomic():
        session = ChatSession.objects.select_for_update().get(pk=session_id)
        if session.status == ChatSession.Status.ENDED:
            raise ValidationError({"status": [_("This chat has already ended.")]})
        message, publishes = _message_store(session, sender=ChatMessage.Sender.SYSTEM, actor=None, body=_clean_body(body))
        for channel, payload in publishes:
            _after_commit(channel, payload)
    return f"chat-{message.pk}"


def chat_customer_message_store(*, session_id: int, token: str, body: str) -> tuple[ChatMessage, list[tuple[str, dict]]]:
    """Store a visitor's text message, the session's new number and the event; return it and the events to publish.

    The visitor token is checked by the statement that locks the session. Raises Http404 for a wrong
    session or token and ValidationError like ``chat_message_post``. Call it outside any transaction
    and publish only after it returns (the message is committed by then), as the widget's message POST
    (``chat.api.views.widget_message_create``) does. Outside a transaction it is one
    statement (one round trip, atomic by itself); a refused one is then checked again by the ORM path,
    which also serves callers inside a transaction.
    """
    body, _image_type = _message_content(body, None)
    if not connection.in_atomic_block:
        stored = _customer_message_insert(session_id=session_id, token=token, body=body)
        if stored is not None:
            return stored
    return _customer_message_store_orm(session_id=session_id, token=token, body=body)


@transaction.atomic
def _customer_message_store_orm(*, session_id: int, token: str, body: str):
    session = chat_session_locked_for_token(session_id=session_id, token=token)
    if session.status == ChatSession.Status.ENDED:
        raise ValidationError({"status": [_("This chat has already ended.")]})
    return _message_store(session, sender=ChatMessage.Sender.CUSTOMER, actor=None, body=body)


def _customer_message_insert(*, session_id: int, token: str, body: str):
    """Do ``_message_store`` for a visitor's text in one statement; None when the token or the chat's state refuses it."""
    if not token or not str(session_id).isdigit() or int(session_id) > 2**63 - 1:
        return None
    now = timezone.now()
    row = sql.customer_message_insert(session_id=int(session_id), token=str(token)[:64], body=body, now=now)
    if row is None:
        return None
    seq, team_id, agent_id, message_id, event_id = row
    session = ChatSession(pk=int(session_id), team_id=team_id, agent_id=agent_id, last_seq=seq)
    message = ChatMessage(pk=message_id, session=session, seq=seq, sender=ChatMessage.Sender.CUSTOMER, body=body,
                          created_at=now)
    route = _route(session)
    event = ChatEvent(pk=event_id, session=session, kind=ChatEvent.Kind.MESSAGE, message=message, data={}, created_at=now,
                      team_id=route.get("team_id"), agent_id=route.get("agent_id"))
    return message, [(session_channel(session.pk), chat_message_payload(message)), *_event_publishes(event)]


def _extension(content_type: str) -> str:
    return {"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp"}.get(content_type, "")


def chat_image_validate(upload) -> str:
    """Return the image's content type (by its bytes); raise ValidationError naming the size or type limit."""
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError({"image": [_("The image is larger than the limit of %(mb)d MB.")
                                         % {"mb": MAX_IMAGE_BYTES // (1024 * 1024)}]})
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type not in IMAGE_TYPES:
        raise ValidationError({"image": [_("Only PNG, JPEG, GIF and WebP images can be sent in a chat.")]})
    return content_type


def chat_language_check(*, session: ChatSession, actor, body: str) -> list[ForbiddenPhrase]:
    """Return the forbidden and discouraged phrases (服务用语规范) in an agent's draft and record that the check fired."""
    found = phrases_in(body, ForbiddenPhrase.WARNED)
    if found:
        ChatEvent.objects.create(session=session, kind=ChatEvent.Kind.LANGUAGE, actor=actor,
                                 note=", ".join(phrase.phrase for phrase in found))
    return found


def chat_typing(*, session: ChatSession, sender: str) -> None:
    """Tell the other side someone is typing (published only, never stored)."""
    if session.status == ChatSession.Status.ENDED:
        return
    payload = {"type": "typing", "session": session.pk, "sender": sender}
    if sender == ChatMessage.Sender.AGENT:
        chat_publish(session_channel(session.pk), payload)
    else:
        route = _route(session)
        chat_publish(agent_channel(route["agent_id"]) if "agent_id" in route else team_channel(route["team_id"]), payload)


@transaction.atomic
def chat_mark_read(*, session: ChatSession, reader: str, seq: int, actor=None) -> ChatSession:
    """Record that the customer or the agent has read up to message ``seq`` and tell the other side."""
    session = _locked(session)
    seq = max(0, min(int(seq), session.last_seq))
    field = "customer_read_seq" if reader == ChatMessage.Sender.CUSTOMER else "agent_read_seq"
    if seq <= getattr(session, field):
        return session
    setattr(session, field, seq)
    session.save(update_fields=[field])
    if reader == ChatMessage.Sender.CUSTOMER:
        _event(session, ChatEvent.Kind.READ, data={"reader": reader, "seq": seq}, **_route(session))
    else:
        ChatEvent.objects.create(session=session, kind=ChatEvent.Kind.READ, actor=actor,
                                 data={"reader": reader, "seq": seq})
        _after_commit(session_channel(session.pk), {"type": "read", "session": session.pk, "reader": reader, "seq": seq})
    return session


# Assignment.

def _open_count(user_id: int) -> int:
    return ChatSession.objects.filter(agent_id=user_id, status=ChatSession.Status.ACTIVE).count()


def _presence(user) -> AgentPresence:
    presence, _created = AgentPresence.objects.get_or_create(user=user)
    return presence


def _take(session: ChatSession, agent, kind: str, actor) -> ChatSession:
    """Give the waiting, locked-by-update session to the agent; caller made sure it was still waiting."""
    now = timezone.now()
    session.refresh_from_db()
    if session.accepted_at is None:
        ChatSession.objects.filter(pk=session.pk).update(accepted_at=now)
        session.accepted_at = now
    _event(session, kind, actor=actor, team_id=session.team_id, agent_id=agent.pk,
           data={"agent": agent.pk, "agent_name": agent.display_name or agent.username})
    _customer_state(session)
    return session


@transaction.atomic
def chat_accept(*, session: ChatSession, agent) -> ChatSession:
    """Take a waiting chat; of two agents accepting at once exactly one wins (the other gets ChatConflict)."""
    if agent.pk not in team_member_ids(team=session.team):
        raise ValidationError({"agent": [_("%(user)s is not in team %(team)s.") % {"user": agent, "team": session.team}]})
    presence = AgentPresence.objects.select_for_update().filter(pk=_presence(agent).pk).get()
    if _open_count(agent.pk) >= presence.max_chats:
        raise ChatConflict(_("You already have %(count)d open chats, your limit.") % {"count": presence.max_chats})
    taken = ChatSession.objects.filter(pk=session.pk, status=ChatSession.Status.WAITING).update(
        status=ChatSession.Status.ACTIVE, agent=agent)
    if not taken:
        current = ChatSession.objects.select_related("agent").get(pk=session.pk)
        if current.agent_id == agent.pk and current.status == ChatSession.Status.ACTIVE:
            return current
        if current.status == ChatSession.Status.ENDED:
            raise ChatConflict(_("This chat has already ended."))
        raise ChatConflict(_("Already accepted by %(name)s.") % {"name": current.agent})
    return _take(session, agent, ChatEvent.Kind.ACCEPTED, agent)


def chat_agents_available(*, team) -> list[AgentPresence]:
    """Return the online agents of the team under their chat limit, least busy first."""
    return list(
        AgentPresence.objects.filter(user_id__in=team_member_ids(team=team), status=AgentPresence.Status.ONLINE,
                                     user__is_active=True)
        .annotate(open_chats=Count("user__chat_sessions", filter=Q(user__chat_sessions__status=ChatSession.Status.ACTIVE)))
        .filter(open_chats__lt=F("max_chats"))
        .select_related("user")
        .order_by("open_chats", "last_seen_at", "user_id")
    )


@transaction.atomic
def chat_auto_assign(*, session: ChatSession):
    """Give a waiting chat to the least busy online agent of its team under their limit; return them or None."""
    for candidate in chat_agents_available(team=session.team):
        presence = AgentPresence.objects.select_for_update().get(pk=candidate.pk)
        if presence.status != AgentPresence.Status.ONLINE or _open_count(presence.user_id) >= presence.max_chats:
            continue
        if ChatSession.objects.filter(pk=session.pk, status=ChatSession.Status.WAITING).update(
                status=ChatSession.Status.ACTIVE, agent_id=presence.user_id):
            _take(session, candidate.user, ChatEvent.Kind.ASSIGNED, None)
            return candidate.user
        return None  # no longer waiting
    return None


def chat_assign_waiting(*, team, limit: int = 50) -> int:
    """Auto-assign the team's waiting chats oldest first while agents have room; return how many."""
    count = 0
    sessions = ChatSession.objects.filter(team=team, status=ChatSession.Status.WAITING,
                                          widget__is_auto_assign=True).order_by("waiting_since")[:limit]
    for session in sessions:
        if chat_auto_assign(session=session) is None:
            break
        count += 1
    return count


@transaction.atomic
def chat_transfer(*, session: ChatSession, actor, to_agent=None, to_team=None, note: str = "") -> ChatSession:
    """Hand a chat to another agent (of its team or ``to_team``) or back to a team's queue, with a note."""
    if to_agent is None and to_team is None:
        raise ValidationError({"agent": [_("Choose an agent or a team.")]})
    session = _locked(session)
    workflow.ensure_allowed(session.status, workflow.ACTIVE if to_agent else workflow.WAITING)
    team = to_team or session.team
    if to_agent is not None and to_agent.pk not in team_member_ids(team=team):
        raise ValidationError({"agent": [_("%(user)s is not in team %(team)s.") % {"user": to_agent, "team": team}]})
    previous_agent_id, previous_team_id = session.agent_id, session.team_id
    session.team = team
    session.agent = to_agent
    fields = ["team", "agent", "status"]
    if to_agent is None:
        session.status = ChatSession.Status.WAITING
        session.waiting_since = timezone.now()
        fields.append("waiting_since")
    else:
        session.status = ChatSession.Status.ACTIVE
    session.save(update_fields=fields)
    _event(session, ChatEvent.Kind.TRANSFERRED, actor=actor, team_id=team.pk, agent_id=session.agent_id, note=note,
           data={"from_agent": previous_agent_id, "from_team": previous_team_id, "team_name": team.name,
                 "agent_name": (to_agent.display_name or to_agent.username) if to_agent else ""},
           extra_agent_ids=[previous_agent_id] if previous_agent_id else ())
    _customer_state(session)
    if to_agent is None and session.widget.is_auto_assign:
        chat_auto_assign(session=session)
    return session


# Ending: the transcript becomes a ticket.

def _transcript_body(message: ChatMessage) -> str:
    """Return a chat message as the plain text of its ticket message, an image named on a line of its own."""
    body = message.body
    if message.image:
        body = (body + "\n" if body else "") + _("[image %(name)s]") % {"name": os.path.basename(message.image.name)}
    return body


@transaction.atomic
def chat_end(*, session: ChatSession, actor, ticket: Ticket | None = None, resolve: bool = False, note: str = "") -> Ticket:
    """End the chat and file its transcript as a ticket (channel chat), or append it to the customer's open ``ticket``.

    The conversation is over, so a reply the customer's last message waits for is due no more: its
    next-response clock stops at the end (a first answer never given keeps running on the ticket).
    """
    session = _locked(session)
    workflow.ensure_allowed(session.status, workflow.ENDED)
    customer = session.customer
    if customer is None:
        customer = customer_create(actor=actor, name=session.visitor_name or _("Chat visitor"),
                                   phones=[session.visitor_phone] if session.visitor_phone and not session.is_flagged else [],
                                   source=session.widget.name[:64])
        session.customer = customer
    if ticket is not None:
        if ticket.customer_id != customer.pk or not ticket_workflow.is_active(ticket.status):
            raise ValidationError({"ticket": [_("Choose an open ticket of this customer.")]})
    else:
        ticket = ticket_create(
            actor=actor, customer=customer, team=session.team, channel=Ticket.Channel.CHAT, assignee=session.agent,
            subject=_("Online chat with %(name)s") % {"name": session.display_name}, created_at=session.created_at,
        )
    senders = {ChatMessage.Sender.CUSTOMER: TicketMessage.Sender.CUSTOMER, ChatMessage.Sender.AGENT: TicketMessage.Sender.AGENT,
               ChatMessage.Sender.SYSTEM: TicketMessage.Sender.SYSTEM}
    for message in session.messages.select_related("author").prefetch_related("language_hits__phrase").order_by("seq"):
        attachments = []
        if message.image:
            message.image.open("rb")
            attachments = [File(message.image.file, name=os.path.basename(message.image.name))]
        ticket_message_add(ticket=ticket, actor=message.author, body=_transcript_body(message),
                           sender=senders[message.sender], attachments=attachments, created_at=message.created_at,
                           language_findings=[(hit.phrase, hit.kind) for hit in message.language_hits.all()])
        if message.image:
            message.image.close()
    ticket.refresh_from_db()
    ended_at = timezone.now()
    ticket_sla_conversation_ended(ticket=ticket, at=ended_at)
    if resolve and ticket.status != Ticket.Status.RESOLVED:
        ticket = ticket_transition(ticket=ticket, actor=actor, status=ticket_workflow.RESOLVED,
                                   note=_("Chat ended and resolved."))
    session.status = ChatSession.Status.ENDED
    session.ended_at = ended_at
    session.ticket = ticket
    session.save(update_fields=["status", "ended_at", "ticket", "customer"])
    _event(session, ChatEvent.Kind.ENDED, actor=actor, team_id=session.team_id, agent_id=session.agent_id,
           note=note, data={"ticket": ticket.pk, "ticket_number": ticket.number})
    _customer_state(session)
    if session.agent_id:
        transaction.on_commit(lambda: chat_assign_waiting(team=session.team))
    return ticket


def _abandoned(*, now: dt.datetime):
    """Return the waiting chats with no customer message since the cutoff (their visitor may have left)."""
    cutoff = now - dt.timedelta(minutes=abandoned_after_minutes())
    recent = ChatMessage.objects.filter(session=OuterRef("pk"), sender=ChatMessage.Sender.CUSTOMER, created_at__gte=cutoff)
    return ChatSession.objects.filter(status=ChatSession.Status.WAITING, waiting_since__lt=cutoff).exclude(Exists(recent))


def chat_sweep_abandoned(*, now: dt.datetime | None = None, limit: int = 200) -> int:
    """End the waiting chats whose visitor left (no open stream, no message for a while); return how many."""
    candidates = list(_abandoned(now=now or timezone.now()).order_by("waiting_since").values_list("pk", flat=True)[:limit])
    connected = visitors_connected(candidates)
    if connected is None:
        return 0  # Redis cannot say who is still there: end nothing
    return sum(chat_end_abandoned(session_id=pk, now=now) for pk in candidates if pk not in connected)


@transaction.atomic
def chat_end_abandoned(*, session_id: int, now: dt.datetime | None = None) -> bool:
    """End a chat whose visitor left while it waited: its messages become a ticket for the team, an empty one just ends."""
    session = ChatSession.objects.select_for_update(of=("self",)).select_related("team", "widget").filter(pk=session_id).first()
    if session is None or not _abandoned(now=now or timezone.now()).filter(pk=session.pk).exists():
        return False  # answered, taken or written to meanwhile
    note = _("The visitor left before an agent answered.")
    if session.messages.filter(sender=ChatMessage.Sender.CUSTOMER).exists():
        ticket = chat_end(session=session, actor=None, note=note)
        ticket_message_add(ticket=ticket, actor=None, body=note, sender=TicketMessage.Sender.SYSTEM)
        return True
    session.status, session.ended_at = ChatSession.Status.ENDED, timezone.now()
    session.save(update_fields=["status", "ended_at"])
    _event(session, ChatEvent.Kind.ENDED, team_id=session.team_id, note=note, data={"ticket": None})
    _customer_state(session)
    return True


@transaction.atomic
def chat_leave_message(*, widget: ChatWidget, name: str, phone: str, body: str, customer_token: str = "") -> Ticket:
    """File a message left while no agent was online as a ticket (channel chat) for the widget's team."""
    body = _clean_body(body)
    if not body:
        raise ValidationError({"body": [_("The message is empty.")]})
    signed = customer_token_verify(widget=widget, token=customer_token) if customer_token else None
    if signed:
        name, phone = name or signed["name"], signed["phone"]
    if not (name or "").strip() or not (phone or "").strip():
        raise ValidationError({"phone": [_("Give your name and phone number so that we can answer.")]})
    customer = _customer_for(name=name.strip()[:64], phone=phone.strip()[:32])
    ticket = ticket_create(actor=None, customer=customer, team=widget.team, channel=Ticket.Channel.CHAT,
                           subject=_("Message left in the chat of %(shop)s") % {"shop": widget.name})
    ticket_message_add(ticket=ticket, actor=None, body=body, sender=TicketMessage.Sender.CUSTOMER)
    return ticket


# Presence.

@transaction.atomic
def agent_presence_set(*, user, status: str) -> AgentPresence:
    """Set the agent's presence; going online picks up waiting chats, leaving returns their open chats to the queue."""
    if status not in AgentPresence.Status.values:
        raise ValidationError({"status": [_("Choose online, away or offline.")]})
    presence = AgentPresence.objects.select_for_update().get(pk=_presence(user).pk)
    previous = presence.status
    presence.status = status
    presence.last_seen_at = timezone.now()
    presence.auto_away_at = None
    presence.save(update_fields=["status", "last_seen_at", "auto_away_at", "changed_at"])
    if previous != status:
        _presence_changed(user=user, previous=previous, status=status, actor=user)
    return presence


def _presence_changed(*, user, previous: str, status: str, actor) -> None:
    data = {"agent": user.pk, "agent_name": user.display_name or user.username, "status": status, "from": previous}
    team_ids = team_ids_for_user(user=user)
    for index, team_id in enumerate(team_ids or [None]):
        _event(None, ChatEvent.Kind.PRESENCE, actor=actor, team_id=team_id,
               agent_id=user.pk if index == 0 else None, data=data)
    if status != AgentPresence.Status.ONLINE:
        _requeue(user=user)
    else:
        for team in Team.objects.filter(pk__in=team_ids):
            transaction.on_commit(lambda team=team: chat_assign_waiting(team=team))
        transaction.on_commit(lambda: agent_online.send(sender=AgentPresence, user_id=user.pk))


def _requeue(*, user) -> None:
    """Return the agent's open chats to their team's queue (per policy: an absent agent keeps no chats)."""
    for session in ChatSession.objects.select_for_update().filter(agent=user, status=ChatSession.Status.ACTIVE):
        session.status = ChatSession.Status.WAITING
        session.agent = None
        session.save(update_fields=["status", "agent"])
        _event(session, ChatEvent.Kind.REQUEUED, team_id=session.team_id, extra_agent_ids=[user.pk],
               data={"from_agent": user.pk})
        _customer_state(session)
        if session.widget.is_auto_assign:
            transaction.on_commit(lambda session=session: chat_auto_assign(session=session))


def resume_within_hours() -> float:
    """Return how long an agent marked away by silence is put back online when their inbox opens again."""
    return float(getattr(settings, "CHAT_PRESENCE_RESUME_HOURS", 8))


def shift_start_status() -> str:
    """Return the presence an agent starts a new shift with when their inbox opens (``CHAT_PRESENCE_SHIFT_START``)."""
    status = getattr(settings, "CHAT_PRESENCE_SHIFT_START", AgentPresence.Status.OFFLINE)
    return status if status in AgentPresence.Status.values else AgentPresence.Status.OFFLINE


def agent_presence_touch(*, user) -> None:
    """Record that the agent's inbox is open (called on every stream heartbeat); one query while nothing changes.

    An agent whom silence made away (a closed tab, a new login) is online again when the inbox comes
    back within ``CHAT_PRESENCE_RESUME_HOURS``: the same shift. Away or offline chosen by hand stays for
    the shift; an inbox opened after a longer absence starts a new shift with ``shift_start_status``.
    """
    now = timezone.now()
    shift_began = now - dt.timedelta(hours=resume_within_hours())
    resumable = Q(status=AgentPresence.Status.AWAY, auto_away_at__gte=shift_began)
    start = shift_start_status()
    new_shift = (Q(last_seen_at__lt=shift_began) | Q(last_seen_at__isnull=True)) & ~Q(status=start)
    if AgentPresence.objects.filter(user=user).exclude(resumable | new_shift).update(last_seen_at=now):
        return
    with transaction.atomic():
        presence = AgentPresence.objects.select_for_update().filter(user=user).first()
        if presence is None:
            presence, created = AgentPresence.objects.get_or_create(
                user=user, defaults={"last_seen_at": now, "status": start})
            if created and start != AgentPresence.Status.OFFLINE:
                _presence_changed(user=user, previous=AgentPresence.Status.OFFLINE, status=start, actor=None)
            return
        if presence.status == AgentPresence.Status.AWAY and presence.auto_away_at and presence.auto_away_at >= shift_began:
            status = AgentPresence.Status.ONLINE
        elif (presence.last_seen_at is None or presence.last_seen_at < shift_began) and presence.status != start:
            status = start
        else:
            AgentPresence.objects.filter(pk=presence.pk).update(last_seen_at=now)
            return
        previous = presence.status
        AgentPresence.objects.filter(pk=presence.pk).update(status=status, auto_away_at=None, last_seen_at=now,
                                                            changed_at=now)
        _presence_changed(user=user, previous=previous, status=status, actor=None)


def agent_presence_sweep_stale(*, now: dt.datetime | None = None) -> int:
    """Mark online agents whose inbox has been silent past the timeout as away; return how many."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=away_after_seconds())
    count = 0
    stale = AgentPresence.objects.filter(status=AgentPresence.Status.ONLINE, last_seen_at__lt=cutoff).select_related("user")
    for presence in stale[:500]:
        with transaction.atomic():
            # Conditional: a heartbeat that arrived meanwhile keeps the agent online.
            if AgentPresence.objects.filter(pk=presence.pk, status=AgentPresence.Status.ONLINE,
                                            last_seen_at__lt=cutoff).update(status=AgentPresence.Status.AWAY,
                                                                            auto_away_at=now):
                _presence_changed(user=presence.user, previous=AgentPresence.Status.ONLINE,
                                  status=AgentPresence.Status.AWAY, actor=None)
                count += 1
    return count
