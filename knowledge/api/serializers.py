"""Serializers of the knowledge API: articles for staff, the public view of an article, deflections, training."""

from rest_framework import serializers

from helpdesk.api import strict
from helpdesk.models import Team, User
from knowledge.models import Article, Deflection, Quiz, QuizAttempt, TrainingAssignment, TrainingRecord
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


class TrainingRecordSerializer(strict.ModelSerializer):
    """One agent's progress on an assignment."""

    class Meta:
        model = TrainingRecord
        fields = ["id", "assignment", "agent", "read_at", "completed_at", "score", "passed", "attempts"]
        read_only_fields = fields


class TrainingAssignmentSerializer(strict.ModelSerializer):
    """An assignment with the records the viewer may read (an agent: their own)."""

    records = TrainingRecordSerializer(many=True, read_only=True)

    class Meta:
        model = TrainingAssignment
        fields = ["id", "title", "articles", "quiz", "team", "due_on", "created_by", "created_at", "records"]
        read_only_fields = fields


class StrictDateField(serializers.DateField):
    """A date given as a "YYYY-MM-DD" string only."""

    def to_internal_value(self, value):
        if not isinstance(value, str):
            self.fail("invalid", format="YYYY-MM-DD")
        return super().to_internal_value(value)


class TrainingAssignWriteSerializer(serializers.Serializer):
    """Assign articles and/or a quiz to a team (its members now) and/or agents, by a due date."""

    title = strict.CharField(max_length=200)
    due_on = StrictDateField()
    articles = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=Article.objects.filter(
        status=Article.Status.PUBLISHED))
    quiz = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Quiz.objects.all())
    team = serializers.PrimaryKeyRelatedField(required=False, allow_null=True, queryset=Team.objects.filter(is_active=True))
    agents = serializers.PrimaryKeyRelatedField(many=True, required=False, queryset=User.objects.filter(is_active=True))


class QuizAnswerSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    choices = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=2**31 - 1), max_length=50)


class QuizSubmitSerializer(serializers.Serializer):
    """The chosen choices of every question of the record's quiz."""

    answers = QuizAnswerSerializer(many=True, max_length=200)

    def validate_answers(self, rows):
        questions = [row["question"] for row in rows]
        if len(questions) != len(set(questions)):
            raise serializers.ValidationError("Give each question once.")
        return {row["question"]: row["choices"] for row in rows}


class QuizResultSerializer(strict.ModelSerializer):
    """A submitted quiz: its score, whether it passed, and the questions answered wrongly."""

    wrong_questions = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = QuizAttempt
        fields = ["id", "record", "number", "score", "passed", "wrong_questions", "created_at"]
        read_only_fields = fields


class TrainingReadSerializer(serializers.Serializer):
    """The assigned article the agent has read."""

    article = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
