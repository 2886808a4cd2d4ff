"""Pages of the channels: logging a phone call (on the ticket page and its own page) and the public web form."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_protect

from channels.forms import PhoneCallForm, PhoneCallNewForm, SupportForm
from channels.mail import ticket_email_resend
from channels.models import TicketEmail
from channels.selectors import webform_receipt
from channels.services import phone_call_log, webform_rate_limited, webform_ticket_create
from tickets.selectors import ticket_list_for_user

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
        "ticket": ticket, "confirmed": confirmed, "title": _("We have received your request")})
