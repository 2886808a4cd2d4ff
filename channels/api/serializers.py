"""Serializers of the channels API: inbound e-mail results and logged phone calls."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from channels.models import PhoneCall
from channels.services import MAX_SECONDS
from customers.privacy import mask_phone, may_view_pii
from helpdesk.api import strict
from tickets.models import Category, Ticket


class InboundEmailResultSerializer(serializers.Serializer):
    outcome = strict.ChoiceField(choices=["created", "threaded", "duplicate", "dropped", "quarantined"])
    message_id = strict.CharField(help_text=_("Empty for a quarantined mail"))
    ticket = strict.CharField(allow_null=True, help_text=_("Ticket number"))
    ticket_id = serializers.IntegerField(allow_null=True)
    note = strict.CharField(help_text=_("Why the mail was dropped, if it was."))


class PhoneCallSerializer(strict.ModelSerializer):
    ticket_number = strict.CharField(source="ticket.number", read_only=True)
    number = serializers.SerializerMethodField(help_text=_("Masked (138****8000) unless the viewer may see personal data."))

    def get_number(self, call) -> str:
        request = self.context.get("request")
        return call.number if request is not None and may_view_pii(request.user) else mask_phone(call.normalized_number)

    class Meta:
        model = PhoneCall
        fields = ["id", "ticket", "ticket_number", "message", "direction", "number", "wait_seconds", "talk_seconds",
                  "notes", "agent", "created_at"]
        read_only_fields = fields


class PhoneCallCreateSerializer(serializers.Serializer):
    direction = strict.ChoiceField(choices=PhoneCall.Direction.choices)
    number = strict.CharField(max_length=32)
    wait_seconds = serializers.IntegerField(min_value=0, max_value=MAX_SECONDS, default=0)
    talk_seconds = serializers.IntegerField(min_value=0, max_value=MAX_SECONDS, default=0)
    notes = strict.CharField(max_length=5000, required=False, allow_blank=True, default="")
    ticket = serializers.IntegerField(min_value=1, max_value=2**63 - 1, required=False, allow_null=True,
                                      help_text=_("Add the call to this ticket; without it a phone ticket is opened."))
    name = strict.CharField(max_length=64, required=False, allow_blank=True, default="",
                            help_text=_("Caller's name, for a new customer archive."))
    subject = strict.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = strict.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.CONSULTATION)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True), required=False,
                                                  allow_null=True)
