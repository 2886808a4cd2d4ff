"""Training completion (培训完成率) as a scorecard indicator."""

import datetime as dt
from decimal import Decimal

import pytest
import time_machine

from kpi import services as kpi_services
from kpi.models import Scorecard, ScorecardIndicator, ScorecardScheme
from knowledge import services as knowledge_services
from tests.factories import ArticleFactory, CustomerFactory
from tests.kpi.conftest import at
from tickets import services

pytestmark = pytest.mark.django_db


def test_scorecard_reads_the_share_of_the_months_training_completed(no_sla_policies, agent, team, supervisor):
    scheme = ScorecardScheme.objects.get()
    scheme.indicators.all().delete()
    ScorecardIndicator.objects.create(scheme=scheme, name="学习", source="training_completion", weight=100,
                                      threshold_2=25, threshold_3=50, threshold_4=75, threshold_5=100)
    article = ArticleFactory(owner=supervisor)
    with time_machine.travel(at(2, 10), tick=False):
        services.ticket_create(actor=agent, customer=CustomerFactory(), team=team, subject="咨询", assignee=agent)
        records = [knowledge_services.training_assign(
            actor=supervisor, title=f"培训{n}", due_on=dt.date(2026, 11, day), articles=[article], team=team,
        ).records.get() for n, day in enumerate((10, 20, 25, 30))]
        records.append(knowledge_services.training_assign(  # due in December: not this month's
            actor=supervisor, title="十二月", due_on=dt.date(2026, 12, 3), articles=[article], team=team).records.get())
        for record in (records[0], records[1], records[4]):
            knowledge_services.training_article_read(record=record, agent=agent, article=article)
    kpi_services.ticket_facts_rebuild(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    kpi_services.scorecards_compute(month=dt.date(2026, 11, 1))
    card = Scorecard.objects.get(agent=agent)
    # 2 of the 4 assignments due in November completed: 50 % → score 3 (50 ≤ value < 75).
    assert card.indicators[0]["value"] == 50.0 and card.indicators[0]["score"] == 3
    assert card.system_score == Decimal("3.00")
