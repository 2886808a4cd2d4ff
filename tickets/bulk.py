"""Bulk actions on tickets (批量操作): one change applied ticket by ticket through the single-ticket services.

Each ticket changes in its own transaction, so one refusal skips that ticket with its reason and leaves
the others changed; every change records the event, SLA refresh and notifications of its service.
"""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.errors import ServiceError
from tickets import services
from tickets.models import Category, Tag, Ticket
from tickets.selectors import bulk_assignees_for, ticket_list_for_user, ticket_view_counts_forget
from tickets.workflow import TransitionNotAllowed

BULK_LIMIT = 100
ACTIONS = {
    "assign": gettext_lazy("Assign"),
    "status": gettext_lazy("Change status"),
    "priority": gettext_lazy("Set priority"),
    "category": gettext_lazy("Set category"),
    "tag": gettext_lazy("Add a tag"),
    "merge": gettext_lazy("Merge"),
}

# Applies the change to one ticket (locked in its own transaction); returns why it was skipped, or None.
Change = Callable[[Ticket], str | None]


def _value_error(message: str) -> ValidationError:
    return ValidationError({"value": [message]})


def _as_id(value) -> int | None:
    """Return a positive id from an int or a string of digits, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 < value < 2**63 else None
    if isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
        return number if 0 < number < 2**63 else None
    return None


def _ticket_ids(ticket_ids) -> list[int]:
    """Return the distinct ids in the order given; refuse an empty, malformed or too long list (400 on ``tickets``)."""
    if not isinstance(ticket_ids, (list, tuple)):
        raise ValidationError({"tickets": [_("Give a list of ticket ids.")]})
    ids = [_as_id(value) for value in ticket_ids]
    if None in ids:
        raise ValidationError({"tickets": [_("Ticket ids are whole numbers above zero.")]})
    ids = list(dict.fromkeys(ids))
    if not ids:
        raise ValidationError({"tickets": [_("Select at least one ticket.")]})
    if len(ids) > BULK_LIMIT:
        raise ValidationError({"tickets": [_("At most %(limit)s tickets at a time.") % {"limit": BULK_LIMIT}]})
    return ids


def _assign(*, actor, value, tickets) -> Change:
    if value in (None, "", "none"):
        assignee = None
    elif value == "me":
        assignee = actor
    else:
        pk = _as_id(value)
        assignee = bulk_assignees_for(user=actor).filter(pk=pk).first() if pk else None
        if assignee is None:
            raise _value_error(_('Choose someone you may assign tickets to, "me" or "none".'))

    def change(ticket):
        if ticket.assignee_id == (assignee.pk if assignee else None):
            return _("Already assigned to %(name)s.") % {"name": assignee} if assignee else _("Already unassigned.")
        services.ticket_assign(ticket=ticket, actor=actor, assignee=assignee)
        return None

    return change


def _choice_label(value, choices) -> str:
    """Return the label of one of the choices, or refuse the value (400 on ``value``)."""
    if value not in choices.values:
        raise _value_error(_("Choose one of: %(choices)s.") % {"choices": ", ".join(choices.values)})
    return choices(value).label


def _status(*, actor, value, tickets) -> Change:
    label = _choice_label(value, Ticket.Status)

    def change(ticket):
        if ticket.status == value:
            return _("Already %(status)s.") % {"status": label}
        try:
            services.ticket_transition(ticket=ticket, actor=actor, status=value)
        except TransitionNotAllowed:
            return _("A ticket that is %(current)s cannot become %(target)s.") % {
                "current": ticket.get_status_display(), "target": label}
        return None

    return change


def _priority(*, actor, value, tickets) -> Change:
    label = _choice_label(value, Ticket.Priority)

    def change(ticket):
        if ticket.priority != value:
            services.ticket_update(ticket=ticket, actor=actor, priority=value)
            return None
        return _("Priority is already %(priority)s.") % {"priority": label}

    return change


def _category(*, actor, value, tickets) -> Change:
    pk = _as_id(value)
    category = Category.objects.filter(pk=pk, is_active=True).first() if pk else None
    if category is None:
        raise _value_error(_("Choose an active category."))

    def change(ticket):
        if ticket.category_id == category.pk:
            return _("Already in category %(category)s.") % {"category": category}
        services.ticket_update(ticket=ticket, actor=actor, category=category)
        return None

    return change


def _tag(*, actor, value, tickets) -> Change:
    pk = _as_id(value) if not isinstance(value, str) else None
    if pk is not None:
        tag = Tag.objects.filter(pk=pk).first()
        if tag is None:
            raise _value_error(_("There is no such tag."))
    elif isinstance(value, str):
        try:
            tag = services.tag_get_or_create(actor=actor, name=value)
        except ValidationError as exc:
            raise _value_error(" ".join(exc.messages)) from None
    else:
        raise _value_error(_("Give a tag name or a tag id."))

    def change(ticket):
        if not services.ticket_tag_add(ticket=ticket, actor=actor, tag=tag):
            return _("Already tagged %(tag)s.") % {"tag": tag}
        return None

    return change


def _merge_target(*, actor, value, tickets) -> Ticket:
    """Return the ticket the others merge into: the oldest selected one by default, or the chosen one."""
    if value in (None, "", "oldest"):
        if not tickets:
            raise ValidationError({"tickets": [_("None of these tickets is one you may see.")]})
        return min(tickets.values(), key=lambda ticket: (ticket.created_at, ticket.pk))
    pk = _as_id(value)
    target = ticket_list_for_user(user=actor).filter(pk=pk).first() if pk else None
    if target is None:
        raise _value_error(_('Choose a ticket you may see, or "oldest".'))
    return target


def tickets_bulk_apply(*, actor, ticket_ids, action: str, value=None) -> dict:
    """Apply one action to up to 100 tickets the actor may see; return ``{"updated": [...], "skipped": [...]}``.

    Actions: assign (a user id, "me", or None to unassign), status (through the workflow), priority,
    category (an id), tag (a name or an id; a new name only for those who may add tags), merge (into the
    oldest selected ticket, or the ticket id given, through the merge service). A ticket the actor may not
    see is skipped as not found and never changed; each skipped ticket carries the reason.
    """
    ids = _ticket_ids(ticket_ids)
    if action not in ACTIONS:
        raise ValidationError({"action": [_("Choose one of: %(choices)s.") % {"choices": ", ".join(ACTIONS)}]})
    if not actor.has_perm("tickets.change_ticket"):
        raise PermissionDenied
    if action == "merge" and not actor.has_perm("tickets.merge_ticket"):
        raise PermissionDenied(_("Only supervisors merge tickets."))
    visible = {ticket.pk: ticket for ticket in ticket_list_for_user(user=actor).filter(pk__in=ids).order_by()}
    target = None
    if action == "merge":
        target = _merge_target(actor=actor, value=value, tickets=visible)
        change = _merger(actor=actor, target=target)
    else:
        change = {"assign": _assign, "status": _status, "priority": _priority, "category": _category,
                  "tag": _tag}[action](actor=actor, value=value, tickets=visible)
    updated, skipped = [], []
    for pk in ids:
        ticket = visible.get(pk)
        if ticket is None:
            skipped.append({"ticket": pk, "number": None, "reason": _("Not found.")})
            continue
        if target is not None and pk == target.pk:
            continue
        reason = _apply_one(ticket, change, lock=action != "merge")
        entry = {"ticket": pk, "number": ticket.number}
        if reason:
            skipped.append({**entry, "reason": reason})
        else:
            updated.append(entry)
    if target is not None and updated:
        updated.insert(0, {"ticket": target.pk, "number": target.number})
    owners = {actor.pk, *(ticket.assignee_id for ticket in visible.values())}
    if action == "assign" and _as_id(value):
        owners.add(_as_id(value))
    ticket_view_counts_forget(user_ids=owners)
    return {"updated": updated, "skipped": skipped}


def _merger(*, actor, target: Ticket) -> Change:
    def change(ticket):
        services.ticket_merge(source=ticket, target=target, actor=actor)
        return None

    return change


def _apply_one(ticket: Ticket, change: Change, *, lock: bool) -> str | None:
    """Run the change on one ticket in its own transaction; return the reason it was refused, or None."""
    try:
        with transaction.atomic():
            if lock:  # the "already so" checks read the row the service then changes
                ticket = Ticket.objects.select_for_update(of=("self",)).select_related("assignee", "category").get(
                    pk=ticket.pk)
            reason = change(ticket)
            if reason:
                transaction.set_rollback(True)
            return reason
    except TransitionNotAllowed as exc:
        return str(exc)
    except ValidationError as exc:
        return " ".join(exc.messages)
    except (ServiceError, PermissionDenied) as exc:
        return str(exc) or _("Not allowed.")
