"""Writes of the phone and web-form channels: a logged call (电话记录) and a web-form submission open or add to tickets.

E-mail has modules of its own: ``inbound`` (receive), ``mail`` (send), ``mailboxes`` (IMAP polling).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from channels import mail
from channels.models import PhoneCall
from channels.routing import ticket_route
from customers.contacts import phone_normalize, phone_validate
from customers.privacy import mask_phone
from helpdesk.rate_limits import counters_over
from helpdesk.teams import team_member_ids
from orders.models import Order
from tickets import services as ticket_services
from tickets.models import Ticket, TicketMessage
from tickets.tracking import tracker_url

MAX_SECONDS = 24 * 3600
TRACKER_REPLY_MAX = 5000
# Web-form submissions allowed per window (seconds) from one address and for one phone number.
RATE_WINDOW = 3600
RATE_PER_IP = 10
RATE_PER_PHONE = 3
# Replies and fresh-link requests from the tracking page allowed per window for one ticket.
TRACKER_REPLIES_PER_TICKET = 20
TRACKER_LINKS_PER_TICKET = 3
TRACKER_PER_IP = 30


# Phone calls.

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
        customer = ticket_services.customer_find_or_create(actor=actor, name=name or number, phone=normalized)
        team = ticket_route(channel=Ticket.Channel.PHONE, kind=kind, category=category)
        assignee = actor if actor is not None and actor.pk in team_member_ids(team=team) else None
        ticket = ticket_services.ticket_create(
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
    call.message = ticket_services.ticket_message_add(
        ticket=ticket, actor=actor, body=phone_call_body(call), sender=sender, is_internal=internal, send_email=False
    )
    call.save(update_fields=["message"])
    return call


# The web form.

def webform_rate_limited(*, ip: str, phone: str) -> bool:
    """Count one submission from this address and phone; return True when either is over its limit."""
    return counters_over(((f"tickets:support:ip:{ip}", RATE_PER_IP, RATE_WINDOW),
                           (f"tickets:support:phone:{phone_normalize(phone)}", RATE_PER_PHONE, RATE_WINDOW)))


def tracker_rate_limited(*, ip: str, ticket_id: int, what: str) -> bool:
    """Count one reply or link request from the tracking page; True when the address or the ticket is over its limit."""
    per_ticket = TRACKER_REPLIES_PER_TICKET if what == "reply" else TRACKER_LINKS_PER_TICKET
    return counters_over(((f"tickets:track:{what}:ip:{ip}", TRACKER_PER_IP, RATE_WINDOW),
                           (f"tickets:track:{what}:ticket:{ticket_id}", per_ticket, RATE_WINDOW)))


@transaction.atomic
def webform_ticket_create(*, name: str, phone: str, email: str = "", order_number: str = "", kind: str,
                          category=None, description: str, photos=()) -> Ticket:
    """Open a web-form ticket for the customer (found by phone, then e-mail) and confirm it by e-mail.

    The order is linked only when it belongs to that customer; otherwise its number stays in the text.
    """
    customer = ticket_services.customer_find_or_create(name=name, phone=phone, email=email)
    order = Order.objects.filter(number=order_number.strip()).first() if order_number.strip() else None
    text = description
    if order is not None and order.customer_id != customer.pk:
        order = None
    if order_number.strip() and order is None:
        text += "\n\n" + _("Order number given: %(number)s") % {"number": order_number.strip()}
    label = dict(Ticket.Kind.choices)[kind]
    ticket = ticket_services.ticket_create(
        actor=None, customer=customer, team=ticket_route(channel=Ticket.Channel.WEB, kind=kind, category=category),
        subject=f"{label}: {' '.join(description.split())[:60]}", description=text, kind=kind,
        channel=Ticket.Channel.WEB, category=category, order=order,
    )
    if photos:
        # The text is the ticket's description; the photos arrive as the customer's first message.
        ticket_services.ticket_message_add(ticket=ticket, actor=None, body="", sender=TicketMessage.Sender.CUSTOMER,
                                    attachments=photos)
    if email:
        mail.ticket_email_confirmation_queue(ticket=ticket, to=email)
    return ticket


# The customer's tracking page.

@transaction.atomic
def tracker_reply(*, ticket: Ticket, body: str, attachments=()) -> TicketMessage:
    """Add the customer's reply from the tracking page as a customer message (clocks, events and notices as for any)."""
    if ticket.status == Ticket.Status.CLOSED:
        raise ValidationError({"body": [_("This request is closed. Please submit a new one.")]})
    if len((body or "").strip()) > TRACKER_REPLY_MAX:
        raise ValidationError({"body": [_("Please keep your message under %(max)d characters.") % {"max": TRACKER_REPLY_MAX}]})
    return ticket_services.ticket_message_add(ticket=ticket, actor=None, body=body, sender=TicketMessage.Sender.CUSTOMER,
                                              attachments=attachments)


@transaction.atomic
def tracker_link_send(*, ticket: Ticket, actor=None) -> str:
    """Send the ticket's contact a fresh tracking link, voiding the older ones; return the channel used.

    By e-mail (the acknowledgement again, now with the fresh link) when there is an address,
    else by SMS through the follow-up messaging path after commit.
    """
    to = mail.customer_address(ticket)
    phone = ticket.customer.phone
    if not to and not phone:
        raise ValidationError({"contact": [_("The customer has no e-mail address or phone number to send the link to.")]})
    channel = "email" if to else "sms"
    ticket = ticket_services.ticket_tracker_renew(ticket=ticket, actor=actor, channel=channel)
    if to:
        mail.ticket_email_confirmation_queue(ticket=ticket, to=to)
    else:
        # Follow-up messaging sits beside the channels: reached lazily, once the renewal is saved.
        from followups.services import message_send

        with translation.override(settings.LANGUAGE_CODE):
            body = _("Your request %(number)s: follow it and reply to us here: %(url)s") % {
                "number": ticket.number, "url": tracker_url(ticket)}
        customer = ticket.customer
        transaction.on_commit(lambda: message_send(customer=customer, channel="sms", body=body))
    return channel
