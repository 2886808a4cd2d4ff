"""Forms of the ticket page; they parse input only, the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from helpdesk.models import Team
from tickets.models import Category, InternalTask, Remedy, Ticket, TicketStep


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 5}), max_length=20000, required=False)
    internal = forms.BooleanField(label=_("Internal note"), required=False)
    confirm_language = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # The newest message of the thread as the page showed it: a public reply is held when others wrote since.
    after_message = forms.IntegerField(required=False, min_value=0, max_value=2**63 - 1, widget=forms.HiddenInput)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    files = forms.FileField(label=_("Attachments"), required=False,
                            widget=MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))


class TicketFieldsForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    priority = forms.ChoiceField(label=_("Priority"), choices=Ticket.Priority.choices)
    category = forms.ModelChoiceField(label=_("Category"), queryset=Category.objects.filter(is_active=True).select_related("parent"),
                                      required=False, empty_label="—")


class TransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Ticket.Status.choices)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class StepCompleteForm(forms.Form):
    step = forms.ChoiceField(label=_("Step"), choices=TicketStep.Step.choices)
    note = forms.CharField(label=_("Note"), max_length=2000)


class EscalateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000)


class TransferForm(forms.Form):
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.filter(is_active=True))
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=200)
    department = forms.ChoiceField(label=_("Department"), choices=[("", "—"), *InternalTask.Department.choices], required=False)
    due_at = forms.DateTimeField(label=_("Due"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


class RemedyForm(forms.Form):
    kind = forms.ChoiceField(label=_("Remedy"), choices=Remedy.Kind.choices)
    amount = forms.DecimalField(label=_("Amount (CNY)"), min_value=0, max_digits=10, decimal_places=2, initial=0)
    note = forms.CharField(label=_("Note"), max_length=2000, required=False)


class DecisionForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Merge into ticket number"), max_length=20)


class CannedReplyForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    shortcut = forms.SlugField(label=_("Shortcut"), max_length=32, help_text=_("Typed after a slash in the reply box, e.g. sorry for /sorry."))
    body = forms.CharField(label=_("Text"), max_length=5000, widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Placeholders: {customer_name}, {order_number}, {ticket_number}."))
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False,
                                  empty_label=_("Every team (shared)"))
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, teams, allow_shared: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams
        self.fields["team"].required = not allow_shared
        if not allow_shared:
            self.fields["team"].empty_label = None
