"""Reads of tickets, scoped to what the viewer may see (out of scope is simply not found)."""

import re
from decimal import Decimal
from types import SimpleNamespace

from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Sum
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from customers.models import Customer
from customers.records import StatColumn
from customers.privacy import may_view_pii, text_for_viewer
from customers.contacts import query_normalize
from customers.selectors import customer_card_for_viewer, customer_search
from helpdesk import live
from helpdesk.models import Team, User
from helpdesk.roles import RANK, Role, primary_role
from helpdesk.search import SearchHit
from helpdesk.teams import team_ids_for_user
from tickets import workflow
from tickets.models import (
    Attachment,
    CannedReply,
    DepartmentTeam,
    ForbiddenPhrase,
    InternalTask,
    Remedy,
    RemedyLimit,
    ReplyDraft,
    SavedView,
    Ticket,
    TicketEvent,
    TicketMessage,
)

DEFAULT_AGENT_LIMIT = Decimal("500")
VIEW_COUNT_CAP = 99
VIEW_COUNT_SECONDS = 30
SAVED_VIEWS = ("mine", "team", "unassigned", "waiting", "escalated", "overdue", "drafts")


def _role(user) -> Role | None:
    """Return the user's highest role (its groups are read once per user object)."""
    return primary_role(user)


def ticket_scope_q(*, user) -> Q | None:
    """Return the filter for tickets the user may see; None means all, Q(pk__in=[]) none."""
    role = _role(user)
    if role is None:
        return Q(pk__in=[])
    if RANK[role] >= RANK[Role.MANAGER]:
        return None
    teams = team_ids_for_user(user=user)
    if role == Role.SUPERVISOR:
        return Q(team_id__in=teams) | Q(escalated_to=user) | Q(assignee=user)
    return Q(team_id__in=teams) | Q(assignee=user)


def ticket_live_channels(*, user_id: int) -> list[str] | None:
    """Return the live-update channels of the tickets the user may see, read afresh; None when they may see none.

    The same scope as ``ticket_scope_q``: managers hear every ticket, others their teams' and, by their own
    channel, the tickets assigned or escalated to them. An open stream asks again now and then, so a user
    moved between teams, deactivated or without the permission stops hearing what they no longer see.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_perm("tickets.view_ticket") or _role(user) is None:
        return None
    everything = RANK[_role(user)] >= RANK[Role.MANAGER]
    return live.channels_for(user_id=user.pk, team_ids=None if everything else team_ids_for_user(user=user))


def ticket_inbox_count(*, user) -> int:
    """Return how many tickets the user's inbox queue holds now (capped like the view counts; not cached)."""
    return _capped_count(ticket_inbox_filter(ticket_list_for_user(user=user).order_by(), user=user))


def ticket_list_for_user(*, user) -> QuerySet[Ticket]:
    """Return the tickets the user may see: agents their teams' and their own, supervisors their teams', managers all."""
    scope = ticket_scope_q(user=user)
    tickets = Ticket.objects.all() if scope is None else Ticket.objects.filter(scope)
    return tickets.select_related("customer", "team", "assignee", "category", "order").order_by("-updated_at")


# What a row of the ticket lists shows (tickets/ticket_list.html), the order's fields and the tags aside.
LIST_ROW_FIELDS = ("number", "subject", "kind", "status", "priority", "created_at", "updated_at", "escalated_to",
                   "customer__name", "team__name", "assignee__username", "assignee__display_name",
                   "assignee__first_name", "assignee__last_name")


def ticket_list_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """Return the tickets with only the columns a list row shows: no description, no order, category or customer contacts."""
    return tickets.select_related(None).select_related("customer", "team", "assignee").only(*LIST_ROW_FIELDS)


def ticket_get_for_user(*, user, pk, with_sla: bool = False) -> Ticket:
    """Return one ticket the user may see (with its SLA state and timers if asked), or raise Http404."""
    tickets = ticket_list_for_user(user=user).order_by()
    if with_sla:
        tickets = tickets.select_related("sla__policy").prefetch_related("sla_timers")
    try:
        # Five joins, no sort: each further join costs the planner more than the rare lazy read it saves
        # (escalated_to, merged_into are read only when set).
        return tickets.get(pk=pk)
    except (Ticket.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def attachment_get_for_user(*, user, pk) -> Attachment:
    """Return one attachment of a ticket the user may see, or raise Http404 (also for another team's)."""
    scope = ticket_scope_q(user=user)
    attachments = Attachment.objects.select_related("ticket")
    if scope is not None:
        attachments = attachments.filter(ticket__in=Ticket.objects.filter(scope).values("pk"))
    try:
        return attachments.get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def ticket_saved_view_filter(tickets: QuerySet, *, view: str, user) -> QuerySet:
    """Narrow tickets to a built-in view: mine, my teams' open work, unassigned, waiting, escalated, overdue, drafts."""
    active = list(workflow.ACTIVE)
    if view == "mine":
        return tickets.filter(assignee=user, status__in=active)
    if view == "team":
        return tickets.filter(team_id__in=team_ids_for_user(user=user), status__in=active)
    if view == "unassigned":
        return tickets.filter(team_id__in=team_ids_for_user(user=user), assignee__isnull=True, status__in=active)
    if view == "waiting":
        return tickets.filter(assignee=user, status=workflow.PENDING_CUSTOMER)
    if view == "escalated":
        return tickets.filter(escalated_to=user, status__in=active)
    if view == "overdue":
        # The SLA app builds on tickets: its filters are imported when used.
        from sla.filters import ticket_filter_sla_breached, ticket_filter_sla_due_before

        open_work = tickets.filter(status__in=active)
        return ticket_filter_sla_breached(open_work, True) | ticket_filter_sla_due_before(open_work, timezone.now())
    if view == "drafts":
        return tickets.filter(pk__in=ReplyDraft.objects.filter(author=user).values("ticket_id"))
    return tickets


def ticket_inbox_filter(tickets: QuerySet, *, user) -> QuerySet:
    """Narrow tickets to the agent's work queue: open work assigned to them or unassigned in their teams."""
    mine_or_free = Q(assignee=user) | Q(assignee__isnull=True, team_id__in=team_ids_for_user(user=user))
    return tickets.filter(mine_or_free, status__in=list(workflow.ACTIVE))


def saved_views_for_user(*, user) -> QuerySet[SavedView]:
    """Return the ticket views the user saved, oldest first."""
    return SavedView.objects.filter(user=user).order_by("created_at", "id")


def saved_view_tickets(tickets: QuerySet, *, query: str, user) -> QuerySet | None:
    """Narrow tickets by a saved query string through the ticket FilterSet; None if the FilterSet refuses it."""
    from tickets.filters import TicketFilterSet  # the FilterSet builds on these selectors: imported when used

    filterset = TicketFilterSet(QueryDict(query), queryset=tickets, request=SimpleNamespace(user=user))
    return filterset.qs if filterset.is_valid() else None


def _capped_count(tickets: QuerySet) -> int:
    return tickets.values("pk")[: VIEW_COUNT_CAP + 1].count()


def ticket_view_counts(*, user) -> dict:
    """Return how many tickets each view holds, capped at 99+ and cached for half a minute.

    ``{"inbox": n, "mine": n, …, "saved": [{"pk", "name", "query", "count"}, …]}``: the inbox's default queue,
    each built-in view, then the user's saved views (a query the FilterSet now refuses counts 0).
    """
    key = f"tickets:view-counts:{user.pk}"
    try:
        counts = cache.get(key)
    except RedisError:  # badges are a convenience: count without the cache rather than fail the inbox
        counts = None
    if counts is None:
        base = ticket_list_for_user(user=user).order_by()
        counts = {view: _capped_count(ticket_saved_view_filter(base, view=view, user=user)) for view in SAVED_VIEWS}
        counts["inbox"] = _capped_count(ticket_inbox_filter(base, user=user))
        counts["saved"] = []
        for saved in saved_views_for_user(user=user):
            tickets = saved_view_tickets(base, query=saved.query, user=user)
            counts["saved"].append({"pk": saved.pk, "name": saved.name, "query": saved.query,
                                    "count": 0 if tickets is None else _capped_count(tickets.order_by())})
        try:
            cache.set(key, counts, VIEW_COUNT_SECONDS)
        except RedisError:
            pass
    return counts


def ticket_view_counts_forget(*, user_ids) -> None:
    """Drop cached saved-view counts of these users so their badges are fresh."""
    try:
        cache.delete_many([f"tickets:view-counts:{pk}" for pk in user_ids if pk])
    except RedisError:
        pass


_NUMBERISH = re.compile(r"^[A-Za-z]{0,4}[\d-]{5,}$")


def ticket_search(tickets: QuerySet, *, q: str) -> QuerySet:
    """Narrow tickets by number, order number, phone (any format) or e-mail (exact), else subject or customer name."""
    q = (q or "").strip()[:100]
    if not q:
        return tickets
    if "@" in q:
        customers = list(Customer.objects.filter(email__iexact=q).values_list("id", flat=True)[:50])
        return tickets.filter(customer_id__in=customers)
    kind, normalized = query_normalize(q)
    if kind == "phone" and not _NUMBERISH.match(q.replace(" ", "")):  # +86 137-1234-5678, (021) 6123 4567
        return tickets.filter(customer_id__in=list(customer_search(Customer.objects.all(), q, numbers=False)
                                                   .values_list("id", flat=True)[:50]))
    if _NUMBERISH.match(q.replace(" ", "")):
        compact = q.replace(" ", "")
        digits = compact.replace("-", "")
        phones = {compact, digits, normalized} if kind == "phone" else {compact, digits}
        customers = list(Customer.objects.filter(phone__in=phones).values_list("id", flat=True)[:50])
        # Through the tickets' order link: the orders app builds on tickets, which never import it.
        orders = list(Ticket.objects.filter(order__number__iexact=compact).order_by()
                      .values_list("order_id", flat=True).distinct()[:50])
        return tickets.filter(Q(number=compact.upper()) | Q(customer_id__in=customers) | Q(order_id__in=orders))
    customers = list(Customer.objects.filter(name__icontains=q).values_list("id", flat=True)[:200])
    return tickets.filter(Q(subject__icontains=q) | Q(customer_id__in=customers) | Q(number=q.upper()))


def ticket_thread(*, ticket: Ticket) -> QuerySet[TicketMessage]:
    """Return the ticket's messages, oldest first, with authors, attachments and their e-mail (send status)."""
    return ticket.messages.select_related("author", "email").prefetch_related("attachments").order_by("created_at", "id")


def ticket_messages_newer(*, ticket: Ticket, after_message: int, reader) -> list[int]:
    """Return the ids of the public messages added to the ticket after ``after_message``, other than the reader's own."""
    newer = ticket.messages.filter(pk__gt=after_message, is_internal=False)
    if reader is not None:
        newer = newer.exclude(author=reader)
    return list(newer.order_by("id").values_list("pk", flat=True))


def ticket_messages_shown(messages, *, viewer) -> list[TicketMessage]:
    """Return the messages, each with ``shown_body`` and ``is_masked``: its text as the viewer may see it."""
    clear = may_view_pii(viewer)
    messages = list(messages)
    for message in messages:
        message.shown_body, message.is_masked = text_for_viewer(message.body, clear=clear)
    return messages


# What the ticket page shows of each message: its own columns, the author's name and the e-mail's send status.
THREAD_PAGE_FIELDS = ("ticket", "sender", "author", "is_internal", "body", "body_format", "created_at",
                      "author__username", "author__display_name", "author__first_name", "author__last_name",
                      "email__status", "email__note")


def ticket_thread_for_viewer(*, ticket: Ticket, viewer) -> dict:
    """Return the subject, description and thread with their text as the viewer may see it (masked without ``view_pii``).

    Each message gets ``shown_body`` and ``is_masked``; the stored text is never changed.
    """
    clear = may_view_pii(viewer)
    subject, subject_is_masked = text_for_viewer(ticket.subject, clear=clear)
    description, description_is_masked = text_for_viewer(ticket.description, clear=clear)
    messages = ticket_messages_shown(ticket_thread(ticket=ticket).only(*THREAD_PAGE_FIELDS).prefetch_related(None),
                                     viewer=viewer)
    # The thread's attachments in one read by the ticket (a merge moves both), each message given a list of its own.
    attachments: dict[int, list[Attachment]] = {}
    for attachment in ticket.attachments.filter(message__isnull=False):
        attachments.setdefault(attachment.message_id, []).append(attachment)
    for message in messages:
        message.attachment_list = attachments.get(message.pk, [])
    return {"messages": messages, "subject": subject,
            "subject_is_masked": subject_is_masked, "description": description,
            "description_is_masked": description_is_masked}


def ticket_message_get(*, ticket: Ticket, pk) -> TicketMessage | None:
    """Return one message of the ticket, or None."""
    if not str(pk).isdigit() or int(pk) > 2**63 - 1:
        return None
    return ticket.messages.filter(pk=int(pk)).first()


def ticket_events(*, ticket: Ticket) -> QuerySet[TicketEvent]:
    """Return the ticket's event history, oldest first, with actors."""
    return ticket.events.select_related("actor").order_by("created_at", "id")


def customer_card_with_history(*, viewer, customer: Customer, exclude_ticket=None) -> dict:
    """Return the masked customer card plus recent orders and the recent tickets the viewer may see."""
    card = customer_card_for_viewer(viewer=viewer, customer=customer)
    # Through the customer's relation to their orders: the orders app builds on tickets, which never import it.
    card["recent_orders"] = list(
        customer.orders.order_by("-placed_at").only(
            "id", "number", "status", "total_amount", "placed_at", "customer_id"
        )[:5]
    )
    recent = ticket_list_for_user(user=viewer).filter(customer=customer).order_by("-created_at")
    if exclude_ticket is not None:
        recent = recent.exclude(pk=exclude_ticket.pk)
    card["recent_tickets"] = list(recent.select_related(None).only("id", "number", "subject", "status", "created_at")[:5])
    return card


REMEDY_LIMITS_KEY = "tickets:remedy-limits:v1"
REMEDY_LIMITS_SECONDS = 300


def remedy_limit_for(user, *, cached: bool = False) -> Decimal | None:
    """Return the largest remedy the user may grant alone (None: no limit), from the role's RemedyLimit.

    ``cached=True`` (the ticket page's hint) reads the limits from the cache, dropped when a limit is saved or
    deleted; the remedy services always read the row.
    """
    role = _role(user)
    if role is None:
        return Decimal("0")
    if cached:
        limits = cache.get_or_set(REMEDY_LIMITS_KEY, _remedy_limits_read, REMEDY_LIMITS_SECONDS)
    else:
        limits = dict(RemedyLimit.objects.filter(role=role.value).values_list("role", "amount")[:1])
    if role.value not in limits:
        return DEFAULT_AGENT_LIMIT if role == Role.AGENT else None
    return limits[role.value]


def _remedy_limits_read() -> dict[str, Decimal | None]:
    return dict(RemedyLimit.objects.values_list("role", "amount"))


def remedy_limits_forget(**kwargs) -> None:
    """Drop the cached remedy limits (a limit was saved or deleted; connected in ``TicketsConfig.ready``)."""
    cache.delete(REMEDY_LIMITS_KEY)


ESCALATION_LEVELS = ("supervisor", "manager")  # agent → team supervisor → manager


def escalation_level(ticket: Ticket) -> int:
    """Return how far up the ticket is: 0 with its agent, 1 with the team's supervisor, 2 with a manager."""
    if ticket.escalated_to_id is None:
        return 0
    return 1 if ticket.escalated_to_id == ticket.team.supervisor_id else 2


def escalation_holder(*, ticket: Ticket, level: int) -> User | None:
    """Return who holds a ticket escalated to a level: the team's supervisor, or a manager (of the team first)."""
    if level == 1:
        return ticket.team.supervisor
    managers = User.objects.filter(is_active=True, groups__name=Role.MANAGER.value).distinct()
    return managers.filter(teams=ticket.team).order_by("pk").first() or managers.order_by("pk").first()


def approvers_for(*, team: Team | None) -> list[User]:
    """Return who approves above-limit remedies and refunds of a team: its supervisor and members who may approve, else the managers."""
    may_approve = Q(groups__permissions__codename="approve_remedy") | Q(user_permissions__codename="approve_remedy")
    active = User.objects.filter(is_active=True)
    approvers = []
    if team is not None:
        approvers = list(active.filter(may_approve, Q(pk=team.supervisor_id) | Q(teams=team)).distinct().order_by("pk"))
    if not approvers:
        managers = active.filter(groups__name=Role.MANAGER.value).distinct().order_by("pk")
        approvers = list(managers)
    return approvers


def remedy_granted_total(*, ticket) -> Decimal:
    """Return the amount already granted on a ticket: its approved remedies, agreed or carried out included."""
    granted = (Remedy.Status.APPROVED, Remedy.Status.AGREED, Remedy.Status.DONE)
    total = Remedy.objects.filter(ticket=ticket, status__in=granted).aggregate(total=Sum("amount"))["total"]
    return total or Decimal("0")


def canned_replies_for(*, user, q: str = "") -> QuerySet[CannedReply]:
    """Return the active canned replies the user may use (global and their teams'), matching a shortcut or title."""
    replies = CannedReply.objects.filter(is_active=True).filter(
        Q(team__isnull=True) | Q(team_id__in=team_ids_for_user(user=user))
    )
    q = (q or "").strip().lstrip("/")
    if q:
        replies = replies.filter(Q(shortcut__istartswith=q) | Q(title__icontains=q))
    return replies.select_related("team").order_by("shortcut")


def canned_reply_can_manage(*, user, team, reply: CannedReply | None = None) -> bool:
    """Return whether the user may create (reply None), edit or delete a canned reply of this team.

    Shared replies (no team): admins. A team's replies: managers and admins any team's, the team's
    supervisor all of them, its members the ones they created themselves.
    """
    role = _role(user)
    if role is None:
        return False
    if user.is_superuser or RANK[role] >= RANK[Role.ADMIN]:
        return True
    if team is None:
        return False
    if RANK[role] >= RANK[Role.MANAGER] or team.supervisor_id == user.pk:
        return True
    if team.pk not in team_ids_for_user(user=user):
        return False
    return reply is None or reply.created_by_id == user.pk


def canned_replies_for_management(*, user, q: str = "") -> QuerySet[CannedReply]:
    """Return the canned replies the user sees on the management page: shared ones and their teams' (also inactive)."""
    replies = CannedReply.objects.all()
    role = _role(user)
    if role is None:
        return replies.none()
    if RANK[role] < RANK[Role.MANAGER] and not user.is_superuser:
        replies = replies.filter(Q(team__isnull=True) | Q(team_id__in=team_ids_for_user(user=user)))
    q = (q or "").strip().lstrip("/")[:100]
    if q:
        replies = replies.filter(Q(shortcut__istartswith=q) | Q(title__icontains=q) | Q(body__icontains=q))
    return replies.select_related("team", "created_by").order_by("team__name", "shortcut", "id")


def canned_reply_teams_for(*, user) -> QuerySet[Team]:
    """Return the teams the user may add canned replies to."""
    role = _role(user)
    teams = Team.objects.filter(is_active=True).order_by("name")
    if role is None:
        return teams.none()
    if user.is_superuser or RANK[role] >= RANK[Role.MANAGER]:
        return teams
    return teams.filter(pk__in=team_ids_for_user(user=user))


def canned_reply_render(*, reply: CannedReply, ticket: Ticket) -> str:
    """Return the canned reply's body with the ticket's placeholders filled in."""
    values = {
        "{customer_name}": ticket.customer.name,
        "{order_number}": ticket.order.number if ticket.order_id else "",
        "{ticket_number}": ticket.number,
    }
    body = reply.body
    for placeholder, value in values.items():
        body = body.replace(placeholder, value)
    return body


def assignable_users(*, ticket: Ticket) -> QuerySet[User]:
    """Return the users a ticket may be assigned to: its team's members and supervisor."""
    team = ticket.team
    return (User.objects.filter(Q(teams=team) | Q(pk=team.supervisor_id), is_active=True)
            .distinct().order_by("display_name", "username"))


def bulk_assignees_for(*, user) -> QuerySet[User]:
    """Return who the viewer may hand tickets to in bulk: members and supervisors of their teams (managers: of every team)."""
    teams = Team.objects.filter(is_active=True)
    if ticket_scope_q(user=user) is not None:
        teams = teams.filter(pk__in=team_ids_for_user(user=user))
    return (User.objects.filter(Q(teams__in=teams) | Q(pk__in=teams.values("supervisor_id")), is_active=True)
            .distinct().order_by("display_name", "username"))


# The customer archive's figures of a customer's tickets (registered in TicketsConfig.ready).
CUSTOMER_STAT_COLUMNS = [
    StatColumn("tickets", Ticket, "customer", "count(*)", default=0),
    StatColumn("complaints", Ticket, "customer", "count(*)", "x.kind = %s", (Ticket.Kind.COMPLAINT.value,), default=0),
    StatColumn("last_contact_at", Ticket, "customer", "max(x.updated_at)"),
]


def customer_ids_by_ticket_number(value: str) -> QuerySet:
    """Return the customer of the ticket with this number (the customer search's ticket-number lookup)."""
    return Ticket.objects.filter(number=value).values_list("customer_id")


def customer_timeline_sources(*, customer, text, viewer):
    """Yield the customer timeline's sources of tickets and their public messages, as far as the viewer may open them."""
    tickets = Ticket.objects.filter(customer=customer)
    messages = TicketMessage.objects.filter(ticket__customer=customer, is_internal=False).select_related("ticket")
    scope = ticket_scope_q(user=viewer)
    visible = tickets if scope is None else tickets.filter(scope)
    yield ("ticket", _("Ticket"), tickets, visible, "created_at",
           lambda t: (f"{t.number} {text(t.subject)}", f"{t.get_kind_display()} · {t.get_status_display()}", ""))
    yield ("message", _("Message"), messages, messages if scope is None else messages.filter(ticket__in=visible.values("pk")),
           "created_at", lambda m: (m.ticket.number, text(m.body[:200]), m.get_sender_display()))


def customer_tickets_export(customer) -> list[dict]:
    """Return every ticket of the customer with its public messages, in clear, for a personal-information export (PIPL)."""
    def iso(value):
        return value.isoformat() if value else None

    return [
        {"number": t.number, "subject": t.subject, "kind": t.kind, "channel": t.channel, "status": t.status,
         "created_at": iso(t.created_at),
         "messages": [{"sender": m.sender, "body": m.body, "created_at": iso(m.created_at)}
                      for m in t.messages.all() if not m.is_internal]}
        for t in Ticket.objects.filter(customer=customer).prefetch_related("messages")
    ]


SEARCH_MESSAGE_MIN = 3  # shorter words would scan every message: the trigram index needs three characters
SEARCH_SNIPPET = 60


def _snippet(text: str, q: str) -> str:
    """Return the part of a text around the first place the query appears."""
    at = max(text.upper().find(q.upper()), 0)
    start = max(at - SEARCH_SNIPPET // 3, 0)
    return ("…" if start else "") + text[start:start + SEARCH_SNIPPET] + ("…" if start + SEARCH_SNIPPET < len(text) else "")


def ticket_search_hits(*, viewer, q: str, limit: int) -> list:
    """Return the global search's ticket hits: the list search (number, phone, e-mail, order, subject, name), then messages.

    Only tickets the viewer may open; subjects and messages are matched as the viewer sees them, so a
    viewer shown masked text is never answered by the personal data hidden in it.
    """
    clear = may_view_pii(viewer)
    scoped = ticket_list_for_user(user=viewer)
    needle = q.upper()
    # Number, phone, e-mail and order matches are exact; a word must be in what the viewer is shown.
    exact = clear or query_normalize(q)[0] != "text" or bool(_NUMBERISH.match(q.replace(" ", "")))
    found: dict[int, tuple[Ticket, str]] = {}
    for ticket in ticket_search(scoped, q=q)[: limit * 3]:
        subject, _masked = text_for_viewer(ticket.subject, clear=clear)
        if exact or needle in subject.upper() or needle in ticket.customer.name.upper() or ticket.number == needle:
            found.setdefault(ticket.pk, (ticket, ""))
        if len(found) >= limit:
            break
    if len(found) < limit and len(q) >= SEARCH_MESSAGE_MIN:
        # Unsorted: the trigram index's first matches, so a common word stops after a few rows instead of sorting them all.
        rows = (TicketMessage.objects.filter(body__icontains=q, ticket_id__in=scoped.order_by().values("pk"))
                .exclude(ticket_id__in=list(found)).order_by().values_list("ticket_id", "body")[: limit * 4])
        snippets: dict[int, str] = {}
        for ticket_id, body in rows:
            shown, _masked = text_for_viewer(body, clear=clear)
            if needle in shown.upper():
                snippets.setdefault(ticket_id, _snippet(shown, q))
        for ticket in scoped.filter(pk__in=list(snippets)[: limit - len(found)]):
            found[ticket.pk] = (ticket, snippets[ticket.pk])
    hits = []
    for ticket, snippet in found.values():
        subject, _masked = text_for_viewer(ticket.subject, clear=clear)
        line = " · ".join(part for part in (ticket.customer.name, ticket.get_status_display(), snippet) if part)
        hits.append(SearchHit(title=f"{ticket.number} {subject}", subtitle=line, url=reverse("tickets:ticket_detail", args=[ticket.pk])))
    return hits


SERVICE_PHRASES_KEY = "tickets:service-phrases:v1"
SERVICE_PHRASES_SECONDS = 300


def service_phrases_for_typing() -> list[dict]:
    """Return the active service phrases the reply boxes check as the agent types (kind, phrase, suggestion).

    Every ticket page and the chat inbox show them; they are cached until a phrase is saved or deleted.
    """
    return cache.get_or_set(SERVICE_PHRASES_KEY, _service_phrases_read, SERVICE_PHRASES_SECONDS)


def _service_phrases_read() -> list[dict]:
    return list(ForbiddenPhrase.objects.filter(is_active=True).order_by("kind", "phrase")
                .values("kind", "phrase", "suggestion"))


def service_phrases_forget(**kwargs) -> None:
    """Drop the cached service phrases (a phrase was saved or deleted; connected in ``TicketsConfig.ready``)."""
    cache.delete(SERVICE_PHRASES_KEY)


def reply_draft_get(*, ticket: Ticket, author) -> ReplyDraft | None:
    """Return the author's unsent reply on the ticket, if they left one."""
    return ReplyDraft.objects.filter(ticket=ticket, author=author).first()


# Department tasks (部门任务): the people of a department's team see its tasks; holders of the permission see all.

def internal_task_list_for_user(*, user) -> QuerySet[InternalTask]:
    """Return the internal tasks the user may see: their departments' teams' and their own; every one with the permission."""
    tasks = InternalTask.objects.select_related("ticket", "team", "assignee")
    if not user.has_perm("tickets.view_all_internaltasks"):
        tasks = tasks.filter(Q(team_id__in=team_ids_for_user(user=user)) | Q(assignee=user))
    return tasks


def internal_task_queue(tasks: QuerySet[InternalTask], *, done: bool) -> QuerySet[InternalTask]:
    """Return the tasks in the queue's order: open ones by due time, overdue first and without one last; done newest first."""
    if done:
        return tasks.order_by("-done_at", "-pk")
    return tasks.order_by(F("due_at").asc(nulls_last=True), "pk")


def internal_task_get_for_user(*, user, pk) -> InternalTask:
    """Return one internal task the user may see, or raise Http404."""
    try:
        return internal_task_list_for_user(user=user).get(pk=pk)
    except (InternalTask.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


DEPARTMENT_TEAMS_KEY = "tickets:department-teams"
DEPARTMENT_TEAMS_SECONDS = 300


def department_team_ids() -> frozenset[int]:
    """Return the ids of the teams that do a department's tasks, cached: the navigation asks on every page."""
    try:
        ids = cache.get(DEPARTMENT_TEAMS_KEY)
    except RedisError:  # the navigation is a convenience: read the few rows rather than fail the page
        ids = None
    if ids is None:
        ids = frozenset(DepartmentTeam.objects.values_list("team_id", flat=True))
        try:
            cache.set(DEPARTMENT_TEAMS_KEY, ids, DEPARTMENT_TEAMS_SECONDS)
        except RedisError:
            pass
    return ids


def department_team_ids_forget() -> None:
    """Drop the cached department teams after the mapping changed."""
    try:
        cache.delete(DEPARTMENT_TEAMS_KEY)
    except RedisError:
        pass


def internal_task_queue_visible(user) -> bool:
    """Say whether the department-task queue is for the user: a department team's people, and whoever sees every task."""
    if not user.has_perm("tickets.view_internaltask"):
        return False
    if user.has_perm("tickets.view_all_internaltasks"):
        return True
    return not department_team_ids().isdisjoint(team_ids_for_user(user=user))


def internal_task_assignees(*, task: InternalTask) -> QuerySet[User]:
    """Return who an open task may be given to: its team's active members and lead (anyone active without a team)."""
    users = User.objects.filter(is_active=True)
    if task.team_id:
        users = users.filter(Q(teams=task.team_id) | Q(led_teams=task.team_id)).distinct()
    return users.order_by("username")
