"""Serializers of the knowledge API: articles for staff, the public view of an article, and deflections."""

from rest_framework import serializers

from helpdesk.api import strict
from knowledge.models import Article, Deflection
from knowledge.rendering import markdown_html


class ArticleSerializer(strict.ModelSerializer):
    owner_name = strict.CharField(source="owner.get_full_name", read_only=True)
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "body", "body_html", "category", "tags", "audience", "language", "products", "status",
                  "owner", "owner_name", "version", "published_at", "created_at", "updated_at"]
        read_only_fields = ["status", "owner", "owner_name", "version", "published_at", "created_at", "updated_at"]

    def get_body_html(self, article) -> str:
        return str(markdown_html(article.body))


class ArticleWriteSerializer(serializers.Serializer):
    title = strict.CharField(max_length=200)
    body = strict.CharField(max_length=100000)
    category = strict.CharField(max_length=80, required=False, allow_blank=True)
    tags = strict.CharField(max_length=200, required=False, allow_blank=True)
    audience = strict.ChoiceField(choices=Article.Audience.choices, required=False)
    language = strict.ChoiceField(choices=Article.Language.choices, required=False)
    products = strict.CharField(max_length=200, required=False, allow_blank=True)


class ArticleTransitionSerializer(serializers.Serializer):
    status = strict.ChoiceField(choices=Article.Status.choices)
    note = strict.CharField(max_length=500, required=False, allow_blank=True, default="")


class PublicArticleSerializer(strict.ModelSerializer):
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["id", "title", "body_html", "category", "tags", "language", "published_at"]
        read_only_fields = fields

    def get_body_html(self, article) -> str:
        return str(markdown_html(article.body))


class DeflectionSerializer(serializers.Serializer):
    source = strict.ChoiceField(choices=Deflection.Source.choices)
