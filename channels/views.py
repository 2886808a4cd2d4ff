"""Pages of the channels: logging a phone call (on the ticket page and its own page) and the public web form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from channels.forms import PhoneCallForm, PhoneCallNewForm, SupportForm
from channels.mail import ticket_email_resend
from channels.models import TicketEmail
from channels.forms import TrackerReplyForm
from channels.selectors import customer_tracker, webform_receipt
from channels.services import (
    phone_call_log,
    tracker_link_send,
    tracker_rate_limited,
    tracker_reply,
    webform_rate_limited,
    webform_ticket_create,
)
from tickets.selectors import ticket_list_for_user
from tickets.tracking import TrackerUnavailable, ticket_from_tracker_token, tracker_path

DONE_SALT = "tickets.support.done"  # signed links already sent keep working
DONE_AGE = 24 * 3600


def call_on_ticket(request, ticket):
    """Log a call on this ticket (a ``TicketActionView`` action); errors come back as messages."""
    form = PhoneCallForm(request.POST)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields])
    phone_call_log(actor=request.user, ticket=ticket, **form.cleaned_data)
    messages.success(request, _("Call logged."))
    return None


def tracker_send_on_ticket(request, ticket):
    """Send the customer a fresh tracking link, voiding the older ones (a ``TicketActionView`` action)."""
    channel = tracker_link_send(ticket=ticket, actor=request.user)
    messages.success(request, _("A fresh tracking link is on its way by e-mail.") if channel == "email"
                     else _("A fresh tracking link is on its way by SMS."))
    return None


def email_resend_on_ticket(request, ticket):
    """Send a failed e-mail of this ticket again (a ``TicketActionView`` action)."""
    email = get_object_or_404(TicketEmail, pk=request.POST.get("email"), ticket=ticket)
    ticket_email_resend(email=email, actor=request.user)
    messages.success(request, _("The e-mail is queued to be sent again."))
    return None


class PhoneCallNewView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Log a call: opens a phone ticket for the caller (found by number), or adds it to a ticket given by number."""

    permission_required = ("tickets.add_ticket", "tickets.change_ticket")
    template_name = "channels/phone_call_new.html"

    def get(self, request):
        form = PhoneCallNewForm(initial={"number": request.GET.get("number", "")[:32]})
        return self._page(request, form)

    def post(self, request):
        form = PhoneCallNewForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            number = data.pop("ticket_number").strip()
            ticket = None
            if number:
                ticket = ticket_list_for_user(user=request.user).filter(number=number).first()
                if ticket is None:
                    form.add_error("ticket_number", _("No ticket with this number that you may see."))
            if not form.errors:
                try:
                    call = phone_call_log(actor=request.user, ticket=ticket, **data)
                except ValidationError as error:
                    for field, errors in error.message_dict.items():
                        form.add_error(field if field in form.fields else None, errors)
                else:
                    messages.success(request, _("Call logged on %(number)s.") % {"number": call.ticket.number})
                    return redirect("tickets:ticket_detail", pk=call.ticket_id)
        return self._page(request, form, status=400)

    def _page(self, request, form, status=200):
        return TemplateResponse(request, self.template_name, {
            "form": form, "title": _("Log a call"), "active_section": "calls"}, status=status)


# The public web form (no login).

@csrf_protect
def support_new(request):
    """Show the form; a valid submission opens a ticket and shows its number."""
    form = SupportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if webform_rate_limited(ip=request.META.get("REMOTE_ADDR", ""), phone=data["phone"]):
            return render(request, "channels/support/limited.html", {"title": _("Too many requests")}, status=429)
        try:
            ticket = webform_ticket_create(
                name=data["name"], phone=data["phone"], email=data["email"], order_number=data["order_number"],
                kind=data["kind"], category=data["category"], description=data["description"], photos=data["photos"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            return redirect("support:done", token=signing.dumps(ticket.pk, salt=DONE_SALT))
    status = 400 if request.method == "POST" else 200
    return render(request, "channels/support/new.html", {"form": form, "title": _("Contact customer service")}, status=status)


def support_done(request, token):
    """Show the ticket number (投诉编号) of a submission just made (a signed link, valid one day)."""
    try:
        ticket_id = signing.loads(token, salt=DONE_SALT, max_age=DONE_AGE)
    except signing.BadSignature:
        return redirect("support:new")
    receipt = webform_receipt(ticket_id=ticket_id)
    if receipt is None:
        return redirect("support:new")
    ticket, confirmed = receipt
    return render(request, "channels/support/done.html", {
        "ticket": ticket, "confirmed": confirmed, "title": _("We have received your request"),
        "tracker_path": tracker_path(ticket)})


# The customer's tracking page (no login): the signed link is the key.

def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _tracker_unavailable(request, token: str, problem: TrackerUnavailable, *, sent: bool = False):
    return render(request, "channels/support/track_unavailable.html", {
        "title": _("Link not available"), "message": str(problem), "token": token, "sent": sent,
        "can_renew": problem.ticket is not None}, status=problem.status_code)


@never_cache
@csrf_protect
def support_track(request, token):
    """Show the customer their ticket (steps, promised time, public thread) and take their reply."""
    try:
        ticket = ticket_from_tracker_token(token)
    except TrackerUnavailable as problem:
        return _tracker_unavailable(request, token, problem)
    form = TrackerReplyForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if tracker_rate_limited(ip=_client_ip(request), ticket_id=ticket.pk, what="reply"):
            return render(request, "channels/support/limited.html", {"title": _("Too many requests")}, status=429)
        if form.is_valid():
            try:
                tracker_reply(ticket=ticket, body=form.cleaned_data["body"], attachments=form.cleaned_data["photos"])
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Thank you, your message has been sent."))
                return redirect("support:track", token=token)
        status = 400
    return render(request, "channels/support/track.html", {
        "tracker": customer_tracker(ticket), "form": form, "token": token, "title": _("Your request")}, status=status)


@never_cache
@csrf_protect
def support_track_renew(request, token):
    """Send a fresh link to the contact of an expired or replaced link's ticket; say nothing about the ticket."""
    if request.method != "POST":
        return redirect("support:track", token=token)
    try:
        ticket_from_tracker_token(token)
    except TrackerUnavailable as problem:
        if problem.ticket is None:
            return _tracker_unavailable(request, token, problem)
        if tracker_rate_limited(ip=_client_ip(request), ticket_id=problem.ticket.pk, what="link"):
            return render(request, "channels/support/limited.html", {"title": _("Too many requests")}, status=429)
        try:
            tracker_link_send(ticket=problem.ticket, actor=None)
        except ValidationError:
            pass  # the same answer whether or not a contact is on file
        return _tracker_unavailable(request, token, problem, sent=True)
    return redirect("support:track", token=token)
