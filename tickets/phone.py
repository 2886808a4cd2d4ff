"""Logged phone calls (电话记录): a call opens a phone ticket for the caller, found by number, or adds to a ticket."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from customers.contacts import phone_normalize, phone_validate
from customers.privacy import mask_phone
from tickets.channel_models import PhoneCall
from tickets.models import Ticket, TicketMessage
from tickets.routing import ticket_route
from tickets.selectors import team_member_ids

MAX_SECONDS = 24 * 3600


def _duration(seconds: int) -> str:
    minutes, rest = divmod(int(seconds), 60)
    return f"{minutes}:{rest:02d}"


def phone_call_body(call: PhoneCall) -> str:
    """Return the thread text of a logged call: direction, masked number (客户资料保密), wait and talk time, notes."""
    head = _("%(direction)s call %(number)s · waited %(wait)s · talked %(talk)s") % {
        "direction": call.get_direction_display(), "number": mask_phone(call.normalized_number),
        "wait": _duration(call.wait_seconds), "talk": _duration(call.talk_seconds),
    }
    return f"{head}\n{call.notes}".strip()


@transaction.atomic
def phone_call_log(
    *,
    actor,
    direction: str,
    number: str,
    wait_seconds: int = 0,
    talk_seconds: int = 0,
    notes: str = "",
    ticket: Ticket | None = None,
    name: str = "",
    subject: str = "",
    kind: str = Ticket.Kind.CONSULTATION,
    category=None,
) -> PhoneCall:
    """Log a call on a ticket, opening a phone ticket for the caller (found by normalized number) when none is given.

    A call that was talked counts as the agent's response (首次响应); a missed incoming call is
    the customer waiting for a call back; an unanswered outgoing call is an internal note.
    """
    from tickets import services

    errors = {}
    if direction not in PhoneCall.Direction.values:
        errors["direction"] = [_("Choose incoming or outgoing.")]
    try:
        normalized = phone_validate(number)
    except ValidationError as error:
        errors["number"] = error.messages
        normalized = phone_normalize(number)
    for field, value in (("wait_seconds", wait_seconds), ("talk_seconds", talk_seconds)):
        if not isinstance(value, int) or not 0 <= value <= MAX_SECONDS:
            errors[field] = [_("Enter a number of seconds between 0 and %(max)d.") % {"max": MAX_SECONDS}]
    if errors:
        raise ValidationError(errors)
    if ticket is None:
        customer = services.customer_find_or_create(actor=actor, name=name or number, phone=normalized)
        team = ticket_route(channel=Ticket.Channel.PHONE, kind=kind, category=category)
        assignee = actor if actor is not None and actor.pk in team_member_ids(team=team) else None
        ticket = services.ticket_create(
            actor=actor, customer=customer, team=team, kind=kind, channel=Ticket.Channel.PHONE, category=category,
            subject=subject or pgettext("phone ticket subject", "Phone call from %(number)s") % {"number": mask_phone(normalized)},
            assignee=assignee,  # the notes are in the call's message, not repeated as the description
        )
    call = PhoneCall.objects.create(
        ticket=ticket, direction=direction, number=number.strip()[:32], normalized_number=normalized[:32],
        wait_seconds=wait_seconds, talk_seconds=talk_seconds, notes=notes, agent=actor,
    )
    if talk_seconds > 0:
        sender, internal = TicketMessage.Sender.AGENT, False
    elif direction == PhoneCall.Direction.INBOUND:
        sender, internal = TicketMessage.Sender.CUSTOMER, False
    else:
        sender, internal = TicketMessage.Sender.AGENT, True
    call.message = services.ticket_message_add(
        ticket=ticket, actor=actor, body=phone_call_body(call), sender=sender, is_internal=internal, send_email=False
    )
    call.save(update_fields=["message"])
    return call
