"""KPI models: settings, per-ticket facts and their rollups, reports, scorecards, conduct records and quality inspection."""

from kpi.models.conduct import ConductRecord, TrainingNote
from kpi.models.dashboards import Dashboard, KpiSettings
from kpi.models.facts import FactCursor, FactDay, FactDayCategory, FactHour, ReviewDay, StepFact, TicketFact
from kpi.models.quality import QualityCheckItem, QualityInspection, QualityScore
from kpi.models.reports import Report, ReportSubscription
from kpi.models.scorecards import PeriodScorecard, Scorecard, ScorecardIndicator, ScorecardScheme

__all__ = [
    "ConductRecord", "Dashboard", "FactCursor", "FactDay", "FactDayCategory", "FactHour", "KpiSettings", "PeriodScorecard",
    "QualityCheckItem", "QualityInspection", "QualityScore", "Report", "ReportSubscription", "ReviewDay", "Scorecard",
    "ScorecardIndicator", "ScorecardScheme", "StepFact", "TicketFact", "TrainingNote",
]
