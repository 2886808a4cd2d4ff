from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from customers.models import Customer
from customers.selectors import customer_card_for_viewer
from customers.privacy import may_view_pii, text_for_viewer
from helpdesk.api import strict
from helpdesk.models import Team, User
from tickets import presence, workflow
from tickets.attachments import MAX_BYTES
from tickets.bulk import ACTIONS, BULK_LIMIT
from tickets.models import (
    Attachment,
    CannedReply,
    Category,
    InternalTask,
    Remedy,
    Tag,
    Ticket,
    TicketEvent,
    TicketMessage,
)


def text_shown(text: str, context: dict) -> tuple[str, bool]:
    """Return free text as the requesting user may see it and whether anything in it was masked (once per text)."""
    shown = context.setdefault("texts_shown", {})  # the text and its flag are two fields: mask it once for both
    if text not in shown:
        if "pii_clear" not in context:
            context["pii_clear"] = may_view_pii(getattr(context.get("request"), "user", None))
        shown[text] = text_for_viewer(text, clear=context["pii_clear"])
    return shown[text]


class TagSerializer(strict.ModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "name", "colour"]
        read_only_fields = fields


class TicketSerializer(strict.ModelSerializer):
    subject = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data")
    subject_is_masked = serializers.SerializerMethodField(help_text="Personal data in the subject is masked")
    category_name = strict.CharField(source="category.name", read_only=True, default=None)
    customer_name = strict.CharField(source="customer.name", read_only=True)
    team_name = strict.CharField(source="team.name", read_only=True)
    assignee_name = serializers.SerializerMethodField()
    order_number = strict.CharField(source="order.number", read_only=True, default=None)
    tags = TagSerializer(many=True, read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id", "number", "subject", "subject_is_masked", "kind", "channel", "status", "priority", "category", "category_name",
            "customer", "customer_name", "order", "order_number", "team", "team_name", "assignee", "assignee_name",
            "escalated_to", "created_at", "updated_at", "first_response_at", "resolved_at", "closed_at", "tags",
        ]
        read_only_fields = fields

    def get_subject(self, ticket) -> str:
        return text_shown(ticket.subject, self.context)[0]

    def get_subject_is_masked(self, ticket) -> bool:
        return text_shown(ticket.subject, self.context)[1]

    def get_assignee_name(self, ticket) -> str | None:
        return str(ticket.assignee) if ticket.assignee_id else None


class CustomerCardSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = strict.CharField()
    level = strict.CharField()
    level_label = strict.CharField()
    tags = serializers.ListField(child=strict.CharField())
    phone = strict.CharField()
    email = strict.CharField()
    is_masked = strict.BooleanField()


class TicketDetailSerializer(TicketSerializer):
    description = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data")
    description_is_masked = serializers.SerializerMethodField(help_text="Personal data in the description is masked")
    customer_card = serializers.SerializerMethodField()
    allowed_transitions = serializers.SerializerMethodField()
    sla = serializers.SerializerMethodField()

    class Meta(TicketSerializer.Meta):
        fields = TicketSerializer.Meta.fields + [
            "description", "description_is_masked", "escalated_at", "merged_into", "customer_card",
            "allowed_transitions", "sla",
        ]
        read_only_fields = fields

    def get_description(self, ticket) -> str:
        return text_shown(ticket.description, self.context)[0]

    def get_description_is_masked(self, ticket) -> bool:
        return text_shown(ticket.description, self.context)[1]

    # The SLA app builds on tickets: its serializer and selector are loaded when first used.
    @extend_schema_field(lazy_serializer("sla.api.serializers.TicketSLASerializer")())
    def get_sla(self, ticket) -> dict:
        from sla.api.serializers import TicketSLASerializer
        from sla.selectors import sla_block

        return TicketSLASerializer(sla_block(ticket)).data

    @extend_schema_field(CustomerCardSerializer)
    def get_customer_card(self, ticket) -> dict:
        return customer_card_for_viewer(viewer=self.context["request"].user, customer=ticket.customer)

    def get_allowed_transitions(self, ticket) -> list[str]:
        return workflow.allowed_targets(ticket.status)


class CustomerContactSerializer(serializers.Serializer):
    name = strict.CharField(max_length=64)
    phone = strict.CharField(max_length=32, required=False, allow_blank=True)
    email = strict.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        if not attrs.get("phone") and not attrs.get("email"):
            raise serializers.ValidationError(_("Give a phone number or an e-mail address."))
        return attrs


class TicketCreateSerializer(serializers.Serializer):
    subject = strict.CharField(max_length=200)
    description = strict.CharField(required=False, allow_blank=True, max_length=20000)
    kind = strict.ChoiceField(choices=Ticket.Kind.choices, default=Ticket.Kind.CONSULTATION)
    channel = strict.ChoiceField(choices=Ticket.Channel.choices, default=Ticket.Channel.CHAT)
    priority = strict.ChoiceField(choices=Ticket.Priority.choices, default=Ticket.Priority.NORMAL)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True), required=False, allow_null=True)
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False)
    customer_contact = CustomerContactSerializer(required=False)
    # The model the ticket's order link points at: the orders app builds on tickets, which never import it.
    order = serializers.PrimaryKeyRelatedField(queryset=Ticket._meta.get_field("order").related_model.objects.all(),
                                               required=False, allow_null=True)
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True), required=False)

    def validate(self, attrs):
        if ("customer" in attrs) == ("customer_contact" in attrs):
            raise serializers.ValidationError({"customer": [_("Give either customer or customer_contact.")]})
        return attrs


class TicketUpdateSerializer(serializers.Serializer):
    subject = strict.CharField(max_length=200, required=False)
    priority = strict.ChoiceField(choices=Ticket.Priority.choices, required=False)
    category = serializers.PrimaryKeyRelatedField(queryset=Category.objects.filter(is_active=True), required=False, allow_null=True)


class AttachmentSerializer(strict.ModelSerializer):
    url = serializers.SerializerMethodField(help_text="Where the file is served, to someone who may see the ticket")

    def get_url(self, attachment) -> str:
        path = reverse("ticket-attachment-download", kwargs={"pk": attachment.ticket_id, "attachment_id": attachment.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path

    class Meta:
        model = Attachment
        fields = ["id", "name", "content_type", "size", "url", "message", "uploaded_by", "created_at"]
        read_only_fields = fields


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text=f"PNG, JPEG, GIF, WebP or PDF, at most {MAX_BYTES // (1024 * 1024)} MB")


class TicketMessageSerializer(strict.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    internal = strict.BooleanField(source="is_internal", read_only=True)
    body = serializers.SerializerMethodField(help_text="Masked unless the user may see personal data; reveal it with a reason")
    is_masked = serializers.SerializerMethodField(help_text="Personal data in the body is masked")
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TicketMessage
        fields = ["id", "sender", "author", "author_name", "internal", "body", "body_format", "is_masked", "attachments",
                  "created_at"]
        read_only_fields = fields
        extra_kwargs = {"body_format": {"help_text": "text: plain text, escape it to show it; html: the safe HTML subset; "
                                                     "empty: kept before formats were recorded"}}

    def get_author_name(self, message) -> str | None:
        return str(message.author) if message.author_id else None

    def get_body(self, message) -> str:
        return text_shown(message.body, self.context)[0]

    def get_is_masked(self, message) -> bool:
        return text_shown(message.body, self.context)[1]


class TextRevealRequestSerializer(serializers.Serializer):
    message = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
                                       help_text=_("The message to reveal; leave out for the ticket's description."))
    part = strict.ChoiceField(choices=[("description", "description"), ("subject", "subject")], default="description",
                              help_text=_("Without a message: reveal the ticket's description or its subject."))
    reason = strict.CharField(max_length=255)


class TextRevealSerializer(serializers.Serializer):
    message = serializers.IntegerField(allow_null=True)
    body = strict.CharField(allow_blank=True)


class TicketMessageCreateSerializer(serializers.Serializer):
    body = strict.CharField(max_length=20000, trim_whitespace=True)
    internal = strict.BooleanField(default=False)
    confirm_language = strict.BooleanField(
        default=False, help_text=_("Send even though the service-language check flagged phrases.")
    )
    after_message = serializers.IntegerField(
        required=False, min_value=0, max_value=2**63 - 1,
        help_text="The newest message the writer has seen; a public message is refused (409) when others wrote since",
    )


class NewerMessagesSerializer(serializers.Serializer):
    detail = serializers.CharField(read_only=True)
    newer_messages = serializers.ListField(child=serializers.IntegerField(), read_only=True,
                                           help_text="Ids of the public messages written since after_message")


class TicketPresenceSerializer(serializers.Serializer):
    user_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True, help_text="Display name (full name, else username)")
    state = serializers.ChoiceField(read_only=True, choices=[presence.VIEWING, presence.REPLYING])


class TicketPresenceReportSerializer(serializers.Serializer):
    state = strict.ChoiceField(choices=presence.STATES)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True), allow_null=True)


class TransitionSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=Ticket.Status.choices)
    note = strict.CharField(required=False, allow_blank=True, max_length=2000, default="")


class EscalateSerializer(serializers.Serializer):
    reason = strict.CharField(max_length=2000)
    level = strict.ChoiceField(choices=["supervisor", "manager"], required=False,
                               help_text="Escalate straight to this level; by default one level up "
                                         "(agent → team supervisor → manager).")


class TransferSerializer(serializers.Serializer):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.filter(is_active=True))
    note = strict.CharField(required=False, allow_blank=True, max_length=2000, default="")


class MergeSerializer(serializers.Serializer):
    into = serializers.IntegerField(min_value=1, help_text=_("Id of the ticket that stays."))


@extend_schema_field({"oneOf": [{"type": "string"}, {"type": "integer", "minimum": 1}], "nullable": True})
class BulkValueField(serializers.JSONField):
    """A bulk action's value: a string, an id or null; the service checks it against the action."""

    def to_internal_value(self, data):
        if data is not None and (isinstance(data, bool) or not isinstance(data, (str, int))):
            raise serializers.ValidationError(_("Give a string, an id or null."))
        if isinstance(data, str) and len(data) > 200:
            raise serializers.ValidationError(_("At most 200 characters."))
        return data


class BulkIdField(serializers.IntegerField):
    """A ticket id as a JSON integer (not its digits as a string)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class BulkRequestSerializer(serializers.Serializer):
    tickets = serializers.ListField(child=BulkIdField(min_value=1, max_value=2**63 - 1), min_length=1,
                                    max_length=BULK_LIMIT, help_text=_("Ids of the tickets to change, at most 100."))
    action = strict.ChoiceField(choices=list(ACTIONS))
    value = BulkValueField(required=False, default=None, help_text=_(
        'assign: a user id, "me", or null to unassign; status, priority: the new value; category: a category id; '
        'tag: a tag name or id; merge: the id of the ticket that stays, or null (the oldest selected).'))


class BulkTicketSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    number = strict.CharField()


class BulkSkippedSerializer(serializers.Serializer):
    ticket = serializers.IntegerField()
    number = strict.CharField(allow_null=True, help_text=_("Null when the ticket was not found."))
    reason = strict.CharField()


class BulkResultSerializer(serializers.Serializer):
    updated = BulkTicketSerializer(many=True)
    skipped = BulkSkippedSerializer(many=True)


class TicketEventSerializer(strict.ModelSerializer):
    actor_name = serializers.SerializerMethodField()

    class Meta:
        model = TicketEvent
        fields = ["id", "kind", "actor", "actor_name", "from_value", "to_value", "note", "created_at"]
        read_only_fields = fields

    def get_actor_name(self, event) -> str | None:
        return str(event.actor) if event.actor_id else None

    def to_representation(self, event):
        """Return the event with the personal data in its values and note masked unless the user may see it."""
        data = super().to_representation(event)
        for field in ("from_value", "to_value", "note"):
            data[field] = text_shown(data[field], self.context)[0]
        return data


class InternalTaskSerializer(strict.ModelSerializer):
    class Meta:
        model = InternalTask
        fields = ["id", "title", "department", "team", "assignee", "due_at", "is_done", "done_at", "done_by", "done_note",
                  "created_by", "created_at"]
        read_only_fields = ["id", "team", "is_done", "done_at", "done_by", "done_note", "created_by", "created_at"]
        extra_kwargs = {"assignee": {"queryset": User.objects.filter(is_active=True)}}


class InternalTaskDoneSerializer(serializers.Serializer):
    is_done = strict.BooleanField()
    note = strict.CharField(max_length=2000, required=False, allow_blank=True, default="",
                            help_text=_("Told to the ticket's agent with the completion."))


class DepartmentTaskSerializer(strict.ModelSerializer):
    """A task in a department's queue: its ticket, team, assignee, due time and whether it is overdue."""

    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = InternalTask
        fields = ["id", "ticket", "ticket_number", "title", "department", "team", "assignee", "due_at", "is_overdue",
                  "is_done", "done_at", "done_by", "done_note", "created_by", "created_at"]
        read_only_fields = fields

    def get_is_overdue(self, task) -> bool:
        return not task.is_done and task.due_at is not None and task.due_at < self.context.setdefault("now", timezone.now())


class TaskAssignSerializer(serializers.Serializer):
    assignee = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True),
                                                  help_text=_("A member or the lead of the task's team."))


class TaskDoneSerializer(serializers.Serializer):
    note = strict.CharField(max_length=2000, required=False, allow_blank=True, default="",
                            help_text=_("Told to the ticket's agent with the completion."))


class RemedySerializer(strict.ModelSerializer):
    class Meta:
        model = Remedy
        fields = ["id", "kind", "amount", "note", "status", "proposed_by", "decided_by", "decided_at",
                  "decision_reason", "agreed_at", "created_at"]
        read_only_fields = ["id", "status", "proposed_by", "decided_by", "decided_at", "decision_reason", "agreed_at",
                            "created_at"]
        extra_kwargs = {"amount": {"min_value": 0}}


class RemedyDecisionSerializer(serializers.Serializer):
    reason = strict.CharField(required=False, allow_blank=True, max_length=2000, default="")


class CannedReplyQuerySerializer(strict.QuerySerializer):
    q = strict.CharField(required=False, allow_blank=True, max_length=100,
                         help_text=_("A shortcut (with or without its slash) or words of the title."))


class CannedReplySerializer(strict.ModelSerializer):
    class Meta:
        model = CannedReply
        fields = ["id", "title", "shortcut", "body", "team", "is_active"]


class TicketViewSerializer(serializers.Serializer):
    """One ticket view of the user: a built-in one (no id) or one they saved, with how many tickets it holds."""

    id = serializers.IntegerField(allow_null=True, read_only=True, help_text="The saved view's id; null for a built-in view.")
    key = serializers.CharField(read_only=True, help_text='"mine", "team", … for a built-in view; "saved-<id>" for a saved one.')
    name = serializers.CharField(read_only=True)
    query = serializers.CharField(read_only=True, help_text="The query string of GET /api/v1/tickets/ that lists the view.")
    is_builtin = serializers.BooleanField(read_only=True)
    count = serializers.IntegerField(read_only=True, help_text="Tickets in the view, counted up to 100 (100 means more than 99).")
    count_label = serializers.CharField(read_only=True, help_text='The count as shown: "99+" above 99.')


class SavedViewCreateSerializer(serializers.Serializer):
    name = strict.CharField(max_length=40, help_text="Unique among the user's saved views.")
    query = strict.CharField(max_length=1000, required=False, allow_blank=True, default="",
                             help_text="Filters of GET /api/v1/tickets/ as a query string (status=open&status=pending…); "
                                       "a query the ticket FilterSet refuses is a field error.")
