"""Django admin for routing rules, mailboxes, ticket e-mails, quarantined e-mails and phone calls."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from channels.models import Mailbox, PhoneCall, QuarantinedEmail, RoutingRule, TicketEmail
from channels.quarantine import quarantine_retry
from tickets.models import Ticket


class RoutingRuleForm(forms.ModelForm):
    kind = forms.ChoiceField(label=_("kind"), choices=[("", _("any"))] + list(Ticket.Kind.choices), required=False)
    channel = forms.ChoiceField(label=_("channel"), choices=[("", _("any"))] + list(Ticket.Channel.choices), required=False)

    class Meta:
        model = RoutingRule
        fields = ["position", "name", "channel", "kind", "category", "team", "is_active"]


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    form = RoutingRuleForm
    list_display = ["position", "name", "channel", "kind", "category", "team", "is_active"]
    list_editable = ["is_active"]
    list_select_related = ["category", "team"]


class MailboxForm(forms.ModelForm):
    imap_password = forms.CharField(
        label=_("IMAP password"), required=False, widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the stored password."),
    )

    class Meta:
        model = Mailbox
        fields = ["name", "address", "imap_host", "imap_port", "imap_use_ssl", "imap_username", "imap_password",
                  "imap_folder", "is_active"]

    def clean_address(self):
        return self.cleaned_data["address"].strip().lower()

    def clean_imap_password(self):
        return self.cleaned_data["imap_password"] or (self.instance.imap_password if self.instance.pk else "")


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "address", "imap_host", "is_active", "last_polled_at", "last_error"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(TicketEmail)
class TicketEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "direction", "purpose", "status", "from_address", "to_address", "subject", "ticket", "note"]
    list_filter = ["direction", "purpose", "status"]
    search_fields = ["message_id", "from_address", "to_address", "subject", "ticket__number"]
    list_select_related = ["ticket"]
    raw_id_fields = ["ticket", "ticket_message", "mailbox"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(QuarantinedEmail)
class QuarantinedEmailAdmin(admin.ModelAdmin):
    list_display = ["created_at", "mailbox", "from_address", "subject", "reason", "attempts", "retried_at", "released_email"]
    list_filter = ["mailbox"]
    search_fields = ["from_address", "subject", "reason"]
    list_select_related = ["mailbox", "released_email"]
    readonly_fields = ["mailbox", "from_address", "subject", "reason", "attempts", "created_at", "retried_at",
                       "released_email"]
    exclude = ["raw"]
    actions = ["retry"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_retry_permission(self, request):
        return request.user.has_perm("channels.change_quarantinedemail")

    @admin.action(description=_("Retry the selected e-mails"), permissions=["retry"])
    def retry(self, request, queryset):
        outcomes = [quarantine_retry(held=held) for held in queryset.filter(released_email__isnull=True)]
        released = sum(outcome != "quarantined" for outcome in outcomes)
        self.message_user(request, _("%(released)d of %(total)d e-mails received; the others stay quarantined.")
                          % {"released": released, "total": len(outcomes)},
                          messages.SUCCESS if released == len(outcomes) else messages.WARNING)


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = ["created_at", "direction", "number", "wait_seconds", "talk_seconds", "ticket", "agent"]
    list_filter = ["direction"]
    search_fields = ["normalized_number", "ticket__number"]
    list_select_related = ["ticket", "agent"]
    raw_id_fields = ["ticket", "message", "agent"]
