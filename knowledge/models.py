"""Knowledge base articles (知识库文章), their versions and events, the help centre's counters, and training (培训)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.functions import Upper

from knowledge.grams import Grams
from django.utils.translation import gettext_lazy as _

from helpdesk.events import AuditEvent, actor_field
from knowledge import workflow


class ArticleManager(models.Manager):
    """Articles without their search grams, which only the search's SQL reads."""

    def get_queryset(self):
        return super().get_queryset().defer("search_grams", "title_grams")


class Article(models.Model):
    """A help article written in Markdown: a draft, in review, published or archived."""

    class Status(models.TextChoices):
        DRAFT = workflow.DRAFT, _("Draft")
        IN_REVIEW = workflow.IN_REVIEW, _("In review")
        PUBLISHED = workflow.PUBLISHED, _("Published")
        ARCHIVED = workflow.ARCHIVED, _("Archived")

    class Audience(models.TextChoices):
        PUBLIC = "public", _("Public")
        AGENTS = "agents", _("Agents only")

    class Language(models.TextChoices):
        ZH_HANS = "zh-hans", _("Simplified Chinese")
        EN = "en", _("English")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"), help_text=_("Markdown; images by URL."))
    category = models.CharField(_("category"), max_length=80, blank=True)
    tags = models.CharField(_("tags"), max_length=200, blank=True, help_text=_("Separated by commas."))
    audience = models.CharField(_("audience"), max_length=8, choices=Audience.choices, default=Audience.PUBLIC)
    language = models.CharField(_("language"), max_length=8, choices=Language.choices, default=Language.ZH_HANS)
    products = models.CharField(_("related products"), max_length=200, blank=True,
                                help_text=_("Product categories or SKUs, separated by commas."))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="articles")
    version = models.PositiveIntegerField(_("version"), default=1)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The characters and character pairs of title and body, upper-cased: PostgreSQL keeps it on every save.
    search_grams = models.GeneratedField(
        expression=Grams(models.F("title"), models.Value("\n"), models.F("body")),
        output_field=SearchVectorField(), db_persist=True)
    # The same of the title alone: the search ranks titles by it and the global search looks through it.
    title_grams = models.GeneratedField(
        expression=Grams(models.F("title")), output_field=SearchVectorField(), db_persist=True)

    objects = ArticleManager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        permissions = [("publish_article", _("Can review and publish articles"))]
        indexes = [
            models.Index(fields=["status", "audience", "language"], name="article_visible_idx"),
            # pg_trgm makes Chinese searchable without a word splitter: trigrams over the characters.
            GinIndex(OpClass(Upper("title"), name="gin_trgm_ops"), name="article_title_trgm"),
            GinIndex(OpClass(Upper("body"), name="gin_trgm_ops"), name="article_body_trgm"),
            GinIndex(fields=["search_grams"], name="article_search_grams"),
            GinIndex(fields=["title_grams"], name="article_title_grams"),
        ]

    def __str__(self):
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return [tag.strip() for tag in self.tags.split(",") if tag.strip()]


class ArticleVersion(models.Model):
    """The title and body of an article as saved once; every save of the body adds one."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("article version")
        verbose_name_plural = _("article versions")
        constraints = [models.UniqueConstraint(fields=["article", "number"], name="article_version_unique")]

    def __str__(self):
        return f"{self.article_id} v{self.number}"


class ArticleEvent(AuditEvent):
    """One change of an article: created, edited, a status step."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Created")
        EDITED = "edited", _("Edited")
        DRAFT = "draft", _("Back to draft")
        IN_REVIEW = "in_review", _("Submitted for review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")
        FLAGGED = "flagged", _("Flagged as outdated")

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    actor = actor_field(related_name="+")

    class Meta(AuditEvent.Meta):
        ordering = ["-created_at", "-id"]
        verbose_name = _("article event")
        verbose_name_plural = _("article events")

    def __str__(self):
        return f"{self.article_id}:{self.kind}"


class ArticleFlag(models.Model):
    """An agent's word that an article is outdated, with what is wrong; its owner is notified."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="flags")
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("flagged by"), on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    note = models.CharField(_("note"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outdated flag")
        verbose_name_plural = _("outdated flags")

    def __str__(self):
        return f"{self.article_id}: {self.note[:40]}"


class ArticleViewDay(models.Model):
    """How often an article was read on one day (one row per article and day, counted up in place)."""

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="view_days")
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        verbose_name = _("article views per day")
        verbose_name_plural = _("article views per day")
        constraints = [models.UniqueConstraint(fields=["article", "day"], name="article_view_day_unique")]

    def __str__(self):
        return f"{self.article_id}@{self.day}: {self.views}"


class SearchMiss(models.Model):
    """A help-centre search term that found nothing, counted by term."""

    term = models.CharField(_("search term"), max_length=100, unique=True)
    count = models.PositiveIntegerField(_("count"), default=0)
    last_at = models.DateTimeField(_("last searched at"))

    class Meta:
        ordering = ["-count", "term"]
        verbose_name = _("search without result")
        verbose_name_plural = _("searches without result")

    def __str__(self):
        return f"{self.term} ({self.count})"


class Deflection(models.Model):
    """A customer said an article solved the problem: a ticket or chat that was not needed (自助解决)."""

    class Source(models.TextChoices):
        HELP = "help", _("Help centre")
        WEB_FORM = "web_form", _("Web form")
        WIDGET = "widget", _("Chat widget")

    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="deflections")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("deflection")
        verbose_name_plural = _("deflections")

    def __str__(self):
        return f"{self.article_id}:{self.source}"


class Quiz(models.Model):
    """A multiple-choice test on articles (培训考试): passed at or above its pass mark."""

    title = models.CharField(_("title"), max_length=200)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark, %"), default=80,
                                                 validators=[MinValueValidator(0), MaxValueValidator(100)])
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

    def __str__(self):
        return self.title


class Question(models.Model):
    """One question of a quiz; one or several of its choices are correct."""

    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["quiz", "position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text


class Choice(models.Model):
    """One answer offered to a question."""

    question = models.ForeignKey(Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("answer"), max_length=300)
    is_correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        ordering = ["question", "id"]
        verbose_name = _("choice")
        verbose_name_plural = _("choices")

    def __str__(self):
        return self.text


class TrainingAssignment(models.Model):
    """Articles to read and/or a quiz to pass by a due date, given to agents or to a team (培训任务).

    A team assignment covers the agents who are the team's members when it is made; one record per agent.
    """

    title = models.CharField(_("title"), max_length=200)
    articles = models.ManyToManyField(Article, verbose_name=_("articles"), blank=True, related_name="+")
    quiz = models.ForeignKey(Quiz, verbose_name=_("quiz"), on_delete=models.PROTECT, null=True, blank=True,
                             related_name="assignments")
    team = models.ForeignKey("helpdesk.Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+")
    due_on = models.DateField(_("due on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assigned by"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-due_on", "-id"]
        verbose_name = _("training assignment")
        verbose_name_plural = _("training assignments")
        permissions = [("assign_any_team", _("Can assign training to every team"))]

    def __str__(self):
        return self.title


class TrainingRecord(models.Model):
    """One agent's progress on an assignment: articles read, quiz attempts, the best score, completion."""

    assignment = models.ForeignKey(TrainingAssignment, verbose_name=_("assignment"), on_delete=models.CASCADE,
                                   related_name="records")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("agent"), on_delete=models.CASCADE,
                              related_name="training_records")
    read_at = models.DateTimeField(_("all articles read at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    score = models.DecimalField(_("score, %"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)

    class Meta:
        ordering = ["-assignment__due_on", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [models.UniqueConstraint(fields=["assignment", "agent"], name="training_record_unique")]
        indexes = [models.Index(fields=["agent", "completed_at"], name="training_record_agent_idx")]

    def __str__(self):
        return f"{self.assignment_id}:{self.agent_id}"


class ArticleRead(models.Model):
    """An agent opened one article of their training record."""

    record = models.ForeignKey(TrainingRecord, verbose_name=_("training record"), on_delete=models.CASCADE,
                               related_name="reads")
    article = models.ForeignKey(Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        ordering = ["read_at", "id"]
        verbose_name = _("article read")
        verbose_name_plural = _("articles read")
        constraints = [models.UniqueConstraint(fields=["record", "article"], name="article_read_unique")]

    def __str__(self):
        return f"{self.record_id}:{self.article_id}"


class QuizAttempt(models.Model):
    """One submitted quiz: the chosen answers by question id, and the score they earned."""

    record = models.ForeignKey(TrainingRecord, verbose_name=_("training record"), on_delete=models.CASCADE,
                               related_name="quiz_attempts")
    number = models.PositiveSmallIntegerField(_("attempt"))
    answers = models.JSONField(_("answers"), help_text=_("Chosen choice ids by question id."))
    score = models.DecimalField(_("score, %"), max_digits=5, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    created_at = models.DateTimeField(_("submitted at"), auto_now_add=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="quiz_attempt_unique")]

    def __str__(self):
        return f"{self.record_id} #{self.number}: {self.score}"


class TrainingEvent(AuditEvent):
    """One step of training: assigned, an article read, a quiz submitted, completed."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("Assigned")
        READ = "read", _("Article read")
        QUIZ = "quiz", _("Quiz submitted")
        COMPLETED = "completed", _("Completed")

    record = models.ForeignKey(TrainingRecord, verbose_name=_("training record"), on_delete=models.CASCADE,
                               related_name="events")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    actor = actor_field(related_name="+")

    class Meta(AuditEvent.Meta):
        verbose_name = _("training event")
        verbose_name_plural = _("training events")

    def __str__(self):
        return f"{self.record_id}:{self.kind}"
