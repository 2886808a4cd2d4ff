"""Django admin of knowledge articles (edits go through the services, so each keeps its version) and their records."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from helpdesk.admin import ReadOnlyAdminMixin
from knowledge import services
from knowledge.models import (
    Article, ArticleEvent, ArticleFlag, ArticleVersion, ArticleViewDay, Choice, Deflection, Question, Quiz,
    QuizAttempt, SearchMiss, TrainingAssignment, TrainingEvent, TrainingRecord,
)


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


class ChoiceFormSet(BaseInlineFormSet):
    """The choices of one question: at least two, at least one of them correct."""

    def clean(self):
        super().clean()
        kept = [form.cleaned_data for form in self.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE") and form.cleaned_data.get("text")]
        if len(kept) < 2:
            raise ValidationError(_("A question needs at least two choices."))
        if not any(row.get("is_correct") for row in kept):
            raise ValidationError(_("Mark at least one choice as correct."))


class ChoiceInline(admin.TabularInline):
    model = Choice
    formset = ChoiceFormSet
    fields = ["text", "is_correct"]
    extra = 2
    min_num = 2


class QuestionInline(admin.TabularInline):
    model = Question
    fields = ["position", "text", "choices_summary"]
    readonly_fields = ["choices_summary"]
    extra = 1
    show_change_link = True  # the choices are edited on the question's own page

    @admin.display(description=gettext_lazy("choices"))
    def choices_summary(self, question):
        if not question.pk:
            return _("Save, then add the choices on the question's page.")
        choices = list(question.choices.all())
        return format_html("{} ({} ✓)", len(choices), sum(choice.is_correct for choice in choices))


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = ["title", "pass_mark", "questions_count", "ready"]
    search_fields = ["title"]
    inlines = [QuestionInline]

    @admin.display(description=gettext_lazy("questions"))
    def questions_count(self, quiz):
        return quiz.questions.count()

    @admin.display(description=gettext_lazy("ready to assign"))
    def ready(self, quiz):
        problems = services.quiz_problems(quiz)
        return " ".join(problems) if problems else "✓"


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "quiz", "position"]
    list_filter = ["quiz"]
    search_fields = ["text"]
    inlines = [ChoiceInline]


class TrainingRecordInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TrainingRecord
    fields = ["agent", "read_at", "score", "passed", "attempts", "completed_at"]
    readonly_fields = fields
    extra = 0


@admin.register(TrainingAssignment)
class TrainingAssignmentAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["title", "team", "quiz", "due_on", "created_by", "created_at"]
    list_filter = ["team"]
    date_hierarchy = "due_on"
    inlines = [TrainingRecordInline]


@admin.register(QuizAttempt)
class QuizAttemptAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record", "number", "score", "passed", "created_at"]


@admin.register(TrainingEvent)
class TrainingEventAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["record", "kind", "actor", "note", "created_at"]
    list_filter = ["kind"]
