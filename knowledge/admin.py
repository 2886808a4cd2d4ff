"""Django admin of knowledge articles (edits go through the services, so each keeps its version) and their records."""

from django.contrib import admin

from helpdesk.admin import ReadOnlyAdminMixin
from knowledge import services
from knowledge.models import Article, ArticleEvent, ArticleFlag, ArticleVersion, ArticleViewDay, Deflection, SearchMiss


class ArticleVersionInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ArticleVersion
    fields = ["number", "title", "author", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["title", "category", "audience", "language", "status", "owner", "version", "updated_at"]
    list_filter = ["status", "audience", "language", "category"]
    search_fields = ["title", "tags", "products"]
    readonly_fields = ["status", "owner", "version", "published_at", "created_at", "updated_at"]
    inlines = [ArticleVersionInline]

    def save_model(self, request, obj, form, change):
        fields = {key: form.cleaned_data[key] for key in services.EDITABLE if key in form.cleaned_data}
        if change:
            services.article_update(article=obj, actor=request.user, **fields)
        else:
            obj.pk = services.article_create(actor=request.user, **fields).pk


@admin.register(ArticleEvent)
class ArticleEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "kind", "actor", "note", "created_at"]
    list_filter = ["kind"]


@admin.register(ArticleViewDay)
class ArticleViewDayAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "day", "views"]
    date_hierarchy = "day"


@admin.register(SearchMiss)
class SearchMissAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["term", "count", "last_at"]
    search_fields = ["term"]


@admin.register(Deflection)
class DeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "source", "created_at"]
    list_filter = ["source"]


@admin.register(ArticleFlag)
class ArticleFlagAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "flagged_by", "note", "created_at"]
