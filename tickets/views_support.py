"""Public support pages (no login): the web form, its confirmation and the rate-limit page."""

from django.core import signing
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_protect

from tickets.models import Ticket, TicketEmail
from tickets.webform import SupportForm, webform_rate_limited, webform_ticket_create

DONE_SALT = "tickets.support.done"
DONE_AGE = 24 * 3600


@csrf_protect
def support_new(request):
    """Show the form; a valid submission opens a ticket and shows its number."""
    form = SupportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if webform_rate_limited(ip=request.META.get("REMOTE_ADDR", ""), phone=data["phone"]):
            return render(request, "tickets/support/limited.html", {"title": _("Too many requests")}, status=429)
        try:
            ticket = webform_ticket_create(
                name=data["name"], phone=data["phone"], email=data["email"], order_number=data["order_number"],
                kind=data["kind"], category=data["category"], description=data["description"], photos=data["photos"],
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages)
        else:
            return redirect("support:done", token=signing.dumps(ticket.pk, salt=DONE_SALT))
    status = 400 if request.method == "POST" else 200
    return render(request, "tickets/support/new.html", {"form": form, "title": _("Contact customer service")}, status=status)


def support_done(request, token):
    """Show the ticket number (投诉编号) of a submission just made (a signed link, valid one day)."""
    try:
        ticket_id = signing.loads(token, salt=DONE_SALT, max_age=DONE_AGE)
    except signing.BadSignature:
        return redirect("support:new")
    ticket = Ticket.objects.filter(pk=ticket_id).only("number").first()
    if ticket is None:
        return redirect("support:new")
    confirmed = TicketEmail.objects.filter(ticket=ticket, purpose=TicketEmail.Purpose.CONFIRMATION).exists()
    return render(request, "tickets/support/done.html", {
        "ticket": ticket, "confirmed": confirmed, "title": _("We have received your request")})
