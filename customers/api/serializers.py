from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import serializers

from helpdesk.api import strict
from helpdesk.api.pagination import CursorPagination

from customers.models import CustomerImport, PiiReveal
from customers.selectors import cursor_decode
from customers.services import customer_changes_clean


class CustomerStatsSerializer(serializers.Serializer):
    orders = serializers.IntegerField()
    spend = serializers.DecimalField(max_digits=14, decimal_places=2)
    tickets = serializers.IntegerField()
    complaints = serializers.IntegerField()
    returns = serializers.IntegerField()
    last_contact_at = strict.DateTimeField(allow_null=True)
    last_order_at = strict.DateTimeField(allow_null=True)
    average_satisfaction = serializers.FloatField(allow_null=True)


class CustomerSerializer(serializers.Serializer):
    """An archive as the gatekeeper selector gave it: personal fields already masked for the viewer."""

    id = serializers.IntegerField()
    name = strict.CharField()
    phones = serializers.ListField(child=strict.CharField())
    emails = serializers.ListField(child=strict.CharField())
    addresses = serializers.ListField(child=strict.CharField())
    level = strict.CharField()
    level_label = strict.CharField()
    tags = serializers.ListField(child=strict.CharField())
    city = strict.CharField()
    source = strict.CharField()
    birthday = serializers.DateField(allow_null=True)
    notes = strict.CharField()
    has_marketing_consent = strict.BooleanField()
    has_survey_consent = strict.BooleanField()
    review_status = strict.CharField()
    is_masked = strict.BooleanField()
    is_anonymized = strict.BooleanField()
    created_at = strict.DateTimeField()
    updated_at = strict.DateTimeField()
    stats = CustomerStatsSerializer()


class CustomerWriteSerializer(serializers.Serializer):
    """What a client may set on an archive; validated by the same rules as the services."""

    name = strict.CharField(max_length=64)
    phones = serializers.ListField(child=strict.CharField(max_length=40), required=False, max_length=10)
    emails = serializers.ListField(child=strict.CharField(max_length=254), required=False, max_length=10)
    addresses = serializers.ListField(child=strict.CharField(max_length=255), required=False, max_length=10)
    level = strict.CharField(max_length=16, required=False)
    tags = serializers.ListField(child=strict.CharField(max_length=32), required=False, max_length=20)
    city = strict.CharField(max_length=64, required=False, allow_blank=True)
    source = strict.CharField(max_length=64, required=False, allow_blank=True)
    birthday = serializers.DateField(required=False, allow_null=True)
    notes = strict.CharField(max_length=2000, required=False, allow_blank=True)
    has_marketing_consent = strict.BooleanField(required=False)
    has_survey_consent = strict.BooleanField(required=False)

    def validate(self, attrs):
        try:
            return customer_changes_clean(attrs, partial=self.partial)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(serializers.as_serializer_error(exc)) from None


class RevealRequestSerializer(serializers.Serializer):
    field = strict.ChoiceField(choices=[(f.value, f.label) for f in PiiReveal.ARCHIVE_FIELDS])
    reason = strict.CharField(max_length=255)


class RevealSerializer(serializers.Serializer):
    field = strict.CharField()
    values = serializers.ListField(child=strict.CharField())
    value = strict.CharField(allow_blank=True)


class TimelineItemSerializer(serializers.Serializer):
    at = strict.DateTimeField()
    kind = strict.CharField()
    kind_label = strict.CharField()
    id = serializers.IntegerField()
    title = strict.CharField()
    detail = strict.CharField()
    who = strict.CharField()


class TimelineQuerySerializer(strict.QuerySerializer):
    cursor = strict.CharField(required=False, allow_blank=True, max_length=500,
                              help_text="The next link's cursor, as it is.")
    limit = serializers.IntegerField(required=False, default=25, min_value=1, max_value=100,
                                     help_text="Number of records per page, 1 to 100.")

    def validate_cursor(self, value):
        if value and cursor_decode(value) is None:
            raise serializers.ValidationError(CursorPagination.invalid_cursor_message)
        return value


class TimelineSerializer(serializers.Serializer):
    results = TimelineItemSerializer(many=True)
    next = strict.CharField(allow_null=True)
    hidden = serializers.IntegerField(help_text="Records of this customer held by teams the viewer may not open (first page only; 0 on later pages).")


class MergeRequestSerializer(serializers.Serializer):
    survivor = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    duplicate = serializers.IntegerField(min_value=1, max_value=2**31 - 1)


class MergeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    survivor = serializers.IntegerField(source="survivor_id")
    duplicate = serializers.IntegerField(source="duplicate_id")
    moved = serializers.DictField(child=serializers.IntegerField())
    created_at = strict.DateTimeField()


class ReasonSerializer(serializers.Serializer):
    reason = strict.CharField(max_length=255, required=False, allow_blank=True, default="")


class ReviewSubmitSerializer(serializers.Serializer):
    changes = serializers.DictField(required=False, default=dict)
    note = strict.CharField(max_length=1000, required=False, allow_blank=True, default="")

    def validate_changes(self, value):
        form = CustomerWriteSerializer(data=value, partial=True)
        form.is_valid(raise_exception=True)
        return form.validated_data


class ReviewDecisionSerializer(serializers.Serializer):
    approve = strict.BooleanField()
    reason = strict.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    customer = serializers.IntegerField(source="customer_id")
    status = strict.CharField()
    changed_fields = serializers.SerializerMethodField()
    note = strict.CharField()
    submitted_by = serializers.StringRelatedField()
    submitted_at = strict.DateTimeField()
    decided_by = serializers.StringRelatedField(allow_null=True)
    decided_at = strict.DateTimeField(allow_null=True)
    decision_reason = strict.CharField()

    def get_changed_fields(self, review) -> list[str]:
        return sorted(review.changes)


class PiiRevealSerializer(strict.ModelSerializer):
    viewer = serializers.StringRelatedField()
    viewer_id = serializers.IntegerField()
    customer_name = strict.CharField(source="customer.name", default=None, allow_null=True)

    class Meta:
        model = PiiReveal
        fields = ["id", "viewer", "viewer_id", "customer", "customer_name", "field", "source", "reason", "created_at"]


class ImportRequestSerializer(serializers.Serializer):
    file = serializers.FileField()
    mode = strict.ChoiceField(choices=CustomerImport.Mode.choices, default=CustomerImport.Mode.ALL_OR_NOTHING)


class ImportSerializer(strict.ModelSerializer):
    progress = serializers.SerializerMethodField()

    class Meta:
        model = CustomerImport
        fields = ["id", "original_name", "mode", "status", "total_rows", "processed_rows", "created_count",
                  "error_count", "errors", "message", "created_at", "finished_at", "progress"]

    def get_progress(self, job) -> dict:
        from customers.imports import import_progress

        return import_progress(job)
