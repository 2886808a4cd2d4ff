"""Forms of the follow-up pages: a call's outcome, a new time, a ticket for a problem found."""

from django import forms
from django.utils.translation import gettext_lazy as _


class VisitCompleteForm(forms.Form):
    """Record the outcome of a follow-up call."""

    outcome = forms.ChoiceField(label=_("Outcome"), widget=forms.RadioSelect, choices=[
        ("reached", _("Reached")), ("no_answer", _("No answer")), ("wrong_number", _("Wrong number")),
        ("refused", _("Refused"))])
    satisfaction = forms.TypedChoiceField(label=_("Satisfaction (1–5)"), required=False, coerce=int, empty_value=None,
                                          choices=[("", "—")] + [(n, str(n)) for n in range(5, 0, -1)])
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class VisitRescheduleForm(forms.Form):
    """Move a follow-up visit to a later time."""

    due_at = forms.DateTimeField(label=_("Call again at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                 input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class VisitTicketForm(forms.Form):
    """Open a ticket for a problem found on a visit."""

    subject = forms.CharField(label=_("Problem"), required=False, max_length=200)
