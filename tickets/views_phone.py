"""Agent pages to log a phone call: on the ticket page and the standalone "log a call" page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views import View

from tickets.forms import PhoneCallForm, PhoneCallNewForm
from tickets.phone import phone_call_log
from tickets.selectors import ticket_list_for_user


def call_on_ticket(request, ticket):
    """Log a call on this ticket (a ``TicketActionView`` action); errors come back as messages."""
    form = PhoneCallForm(request.POST)
    if not form.is_valid():
        raise ValidationError([f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items() if f in form.fields])
    phone_call_log(actor=request.user, ticket=ticket, **form.cleaned_data)
    messages.success(request, _("Call logged."))
    return None


class PhoneCallNewView(LoginRequiredMixin, PermissionRequiredMixin, View):
    """Log a call: opens a phone ticket for the caller (found by number), or adds it to a ticket given by number."""

    permission_required = ("tickets.add_ticket", "tickets.change_ticket")
    template_name = "tickets/phone_call_new.html"

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
