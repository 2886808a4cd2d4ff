"""Review API serializers: intake from integrations, the review as read, and the outcome of a 差评."""

from rest_framework import serializers

from helpdesk.api import strict
from reviews.models import Review


class ReviewInSerializer(serializers.Serializer):
    """A shop review as an integration, the webhook or an import row sends it."""

    shop = strict.CharField(max_length=64)
    platform_review_id = strict.CharField(max_length=64)
    order_number = strict.CharField(max_length=40, required=False, allow_blank=True, default="")
    sku = strict.CharField(max_length=64, required=False, allow_blank=True, default="")
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = strict.CharField(max_length=5000, required=False, allow_blank=True, default="", trim_whitespace=False)
    images = serializers.ListField(child=strict.URLField(max_length=500), required=False, max_length=20)
    reviewed_at = strict.DateTimeField()


class ShopReviewSerializer(strict.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", default=None, read_only=True)

    class Meta:
        model = Review
        fields = ["id", "shop", "platform_review_id", "order_number", "order", "customer", "sku", "rating", "text",
                  "images", "reviewed_at", "ticket", "ticket_number", "agent", "team", "outcome", "source",
                  "created_at", "updated_at"]
        read_only_fields = fields


class ReviewOutcomeSerializer(serializers.Serializer):
    outcome = strict.ChoiceField(choices=Review.Outcome.choices[1:])
    note = strict.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ReviewWebhookSerializer(serializers.Serializer):
    id = strict.CharField(max_length=100, required=False)
    review = ReviewInSerializer()


class ReviewWebhookResultSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=["created", "revised", "duplicate"])
    review = serializers.IntegerField()


class ReviewImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV (UTF-8) or XLSX: shop, platform_review_id, order_number, sku, rating, "
                                           "text, images (URLs separated by spaces), reviewed_at (ISO 8601)")


class ReviewImportRowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    errors = serializers.DictField()


class ReviewImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    revised = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    refused = ReviewImportRowErrorSerializer(many=True)
