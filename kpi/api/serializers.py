"""KPI API serializers: the period and filter query, and the figures."""

import datetime as dt

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from helpdesk.api import strict
from helpdesk.models import Team, User
from kpi.definitions import METRICS
from kpi.models import ConductRecord, Report, Scorecard
from kpi.scorecards import scorecard_final
from kpi.selectors import kpi_teams_for_viewer
from tickets.models import Ticket

MAX_DAYS = 366


FIRST_YEAR, LAST_YEAR = 2000, 2100


def _within_years(value: dt.date) -> dt.date:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise serializers.ValidationError(_("Choose a day between %(first)d and %(last)d.") % {
            "first": FIRST_YEAR, "last": LAST_YEAR})
    return value


class KpiQuerySerializer(strict.QuerySerializer):
    """Validate a KPI period (local days, at most 366) and its team, agent and channel filters."""

    date_from = serializers.DateField(required=False, help_text=_("First day, inclusive (default: 29 days before date_to)."))
    date_to = serializers.DateField(required=False, help_text=_("Last day, inclusive (default: today)."))
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    agent = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
    channel = strict.ChoiceField(choices=Ticket.Channel.choices, required=False)

    def validate_date_from(self, value):
        return _within_years(value)

    def validate_date_to(self, value):
        return _within_years(value)

    def validate(self, attrs):
        from django.utils import timezone

        viewer = self.context["request"].user
        date_to = attrs.get("date_to") or timezone.localdate()
        date_from = attrs.get("date_from") or date_to - dt.timedelta(days=29)
        if date_from > date_to:
            raise serializers.ValidationError({"date_from": [_("The start is after the end.")]})
        if (date_to - date_from).days + 1 > MAX_DAYS:
            raise serializers.ValidationError({"date_to": [_("A period is at most %(days)d days.") % {"days": MAX_DAYS}]})
        attrs["date_from"], attrs["date_to"] = date_from, date_to
        if "team" in attrs:
            attrs["team"] = kpi_teams_for_viewer(viewer=viewer).filter(pk=attrs["team"]).first()
            if attrs["team"] is None:
                raise serializers.ValidationError({"team": [_("Unknown team.")]})
        if "agent" in attrs:
            attrs["agent"] = User.objects.filter(pk=attrs["agent"]).first()
            if attrs["agent"] is None:
                raise serializers.ValidationError({"agent": [_("Unknown agent.")]})
        return attrs


class FigureSerializer(serializers.Serializer):
    """One metric's figure."""

    value = serializers.FloatField()
    numerator = serializers.FloatField()
    denominator = serializers.IntegerField(allow_null=True)
    unit = strict.ChoiceField(choices=["count", "minutes", "percent", "score"])


class PeriodSerializer(serializers.Serializer):
    """The period figures are for."""

    date_from = serializers.DateField()
    date_to = serializers.DateField()


class KpiSummarySerializer(PeriodSerializer):
    """Every metric of the period, keyed as in ``kpi.definitions``."""

    metrics = serializers.DictField(child=FigureSerializer())


class ReviewBreakdownQuerySerializer(KpiQuerySerializer):
    """Validate a review breakdown: the period, team and agent, what to group by and the page of groups."""

    by = strict.ChoiceField(choices=[("shop", _("Shop")), ("sku", _("SKU")), ("team", _("Team")),
                                     ("agent", _("Agent"))], required=False, default="shop")
    page = serializers.IntegerField(required=False, default=1, min_value=1, max_value=10_000)
    channel = None  # reviews have no channel


class ReviewBreakdownRowSerializer(serializers.Serializer):
    """One group of a review breakdown with its 好评率 and 差评率 as figures."""

    key = strict.CharField(help_text=_("The group's name (shop, SKU, team name, agent username); \"-\" for none."))
    value = strict.CharField(help_text=_("What the review list filters on: shop, SKU, team or agent id, \"none\"."))
    reviews = serializers.IntegerField()
    positive_review_rate = FigureSerializer()
    negative_review_rate = FigureSerializer()


class ReviewBreakdownSerializer(PeriodSerializer):
    """A page of review groups, largest first."""

    by = strict.CharField()
    page = serializers.IntegerField()
    has_next = strict.BooleanField()
    rows = ReviewBreakdownRowSerializer(many=True)


class MetricDefinitionSerializer(serializers.Serializer):
    """The written definition of one metric."""

    key = strict.CharField()
    name = strict.CharField()
    unit = strict.CharField()
    numerator = strict.CharField()
    denominator = strict.CharField()
    basis = strict.CharField()
    exclusions = strict.CharField()


def definitions_data() -> list[dict]:
    """Return the metric definitions as plain data in the active language."""
    return [{field: str(getattr(metric, field)) for field in MetricDefinitionSerializer().fields} for metric in METRICS]


class ReportSerializer(strict.ModelSerializer):
    """A KPI report with its progress and download links."""

    downloads = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = ["id", "kind", "date_from", "date_to", "team", "channel", "status", "progress", "error",
                  "created_at", "finished_at", "downloads"]
        read_only_fields = fields

    def get_downloads(self, report) -> dict[str, str]:
        if report.status != Report.Status.DONE:
            return {}
        base = reverse("kpi-report-download", args=[report.pk])
        return {"xlsx": f"{base}?file_format=xlsx", "csv": f"{base}?file_format=csv"}


class ScorecardQuerySerializer(strict.QuerySerializer):
    """Validate the month (YYYY-MM) and team of a scorecard listing."""

    month = strict.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                              help_text=_("YYYY-MM; default: this month."))
    team = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)

    def validate_month(self, value):
        year, month = map(int, value.split("-"))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise serializers.ValidationError(_("Choose a month between 2000 and 2100."))
        return dt.date(year, month, 1)

    def validate(self, attrs):
        if "team" in attrs:
            attrs["team"] = Team.objects.filter(pk=attrs["team"]).first()
            if attrs["team"] is None:
                raise serializers.ValidationError({"team": [_("Unknown team.")]})
        return attrs


class ScorecardPeriodQuerySerializer(ScorecardQuerySerializer):
    """Validate the appraisal period (month, quarter or year of the month given) and the export format."""

    period = strict.ChoiceField(choices=[("month", _("Month")), ("quarter", _("Quarter")), ("year", _("Year"))],
                                required=False, default="month")
    file_format = strict.ChoiceField(choices=["csv", "xlsx"], required=False, default="xlsx")


class ScorecardSerializer(strict.ModelSerializer):
    """An agent's monthly scorecard with its indicators and the arithmetic of the final score."""

    agent_name = serializers.SerializerMethodField()
    arithmetic = serializers.SerializerMethodField()

    class Meta:
        model = Scorecard
        fields = ["id", "month", "agent", "agent_name", "team", "volume", "indicators", "system_score",
                  "supervisor_rating", "supervisor_comment", "self_rating", "self_comment", "final_score",
                  "is_service_star", "arithmetic", "computed_at"]
        read_only_fields = fields

    def get_agent_name(self, card) -> str:
        return str(card.agent)

    def get_arithmetic(self, card) -> list[dict]:
        _final, parts = scorecard_final(card, card.scheme)
        return [{"part": p["part"], "score": p["score"], "weight": p["weight"]} for p in parts]


class RatingSerializer(serializers.Serializer):
    """A 1–5 rating with a comment."""

    rating = serializers.IntegerField(min_value=1, max_value=5)
    comment = strict.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ConductRecordSerializer(serializers.Serializer):
    """A commendation or violation of an agent: kind, category, date, note and an evidence link."""

    agent = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = strict.ChoiceField(choices=ConductRecord.Kind.choices)
    category = strict.ChoiceField(choices=ConductRecord.Category.choices)
    date = serializers.DateField()
    note = strict.CharField(max_length=2000)
    evidence_url = strict.URLField(required=False, allow_blank=True, max_length=500, default="")

    def validate_date(self, value):
        return _within_years(value)

    def validate_agent(self, value):
        agent = User.objects.filter(pk=value, is_active=True).first()
        if agent is None:
            raise serializers.ValidationError(_("Unknown agent."))
        return agent


class ConductRecordReadSerializer(strict.ModelSerializer):
    """A conduct record as read: the agent, their team when recorded, what and when, and who recorded it."""

    agent_name = serializers.SerializerMethodField()
    # A blank link is answered as "", which a URL format would not admit.
    evidence_url = serializers.CharField(read_only=True, label=_("Evidence link"))

    class Meta:
        model = ConductRecord
        fields = ["id", "agent", "agent_name", "team", "kind", "category", "date", "note", "evidence_url",
                  "recorded_by", "created_at"]
        read_only_fields = fields

    def get_agent_name(self, record) -> str:
        return str(record.agent)


class TrainingNoteSerializer(serializers.Serializer):
    """What to train and by when."""

    topic = strict.CharField(max_length=200)
    due_date = serializers.DateField()

    def validate_due_date(self, value):
        return _within_years(value)
