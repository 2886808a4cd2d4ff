"""Generated bench volumes inserted by SQL: customers, tickets and messages; the million archives with their tags."""

import pytest

from bench.generators.customers import RARE_OLD_TAG, customers_generate, skewed_tags_add
from bench.generators.tickets import generate
from customers.models import Customer, CustomerTag
from tickets.models import Ticket, TicketMessage

pytestmark = pytest.mark.django_db


def test_generate_inserts_the_asked_volumes(team):
    steps = []
    result = generate(customers=20, tickets=30, messages_per_ticket=2, progress=lambda *step: steps.append(step))
    assert result == {"customers": 20, "tickets": 30, "messages": 60}
    assert Customer.objects.count() == 20 and Ticket.objects.count() == 30 and TicketMessage.objects.count() == 60
    assert not CustomerTag.objects.exists() and not Customer.objects.exclude(tags=[]).exists()
    assert set(Ticket.objects.values_list("customer_id", flat=True)) <= set(Customer.objects.values_list("pk", flat=True))
    assert not Ticket.objects.filter(team__isnull=True).exists()
    assert ("customers", 20, 20) in steps and ("tickets", 30, 30) in steps


def test_generated_archives_have_their_tag_rows():
    customers_generate(total=40)
    assert set(CustomerTag.objects.values_list("tag", flat=True)) == {"多次投诉"}
    assert CustomerTag.objects.count() == Customer.objects.filter(tags__contains=["多次投诉"]).count() == 2
    skewed_tags_add()
    assert CustomerTag.objects.filter(tag=RARE_OLD_TAG).count() == 40


def test_generated_reviews_and_monthly_scorecards(team):
    """Reviews up to the count asked, attributed to a bench agent and that agent's team or to nobody; a scored card
    for each of the 200 bench agents in each month, inserted once."""
    import datetime as dt

    from bench.generators.kpi import reviews_generate, scorecards_generate
    from helpdesk.models import Team
    from kpi.models import Scorecard
    from reviews.models import Review

    assert reviews_generate(300) == 300 and reviews_generate(300) == 0
    assert Review.objects.count() == 300
    assert set(Review.objects.values_list("rating", flat=True)) <= {1, 2, 3, 4, 5}
    attributed = Review.objects.filter(agent__isnull=False)
    assert 0 < attributed.count() < 300 and not Review.objects.filter(agent__isnull=True, team__isnull=False).exists()
    membership = set(Team.members.through.objects.values_list("user_id", "team_id"))
    assert set(attributed.values_list("agent_id", "team_id")) <= membership
    months = [dt.date(2026, 7, 1), dt.date(2026, 8, 1), dt.date(2026, 9, 1)]
    assert scorecards_generate(months=months) == 600 and scorecards_generate(months=months) == 0
    assert not Scorecard.objects.filter(final_score__isnull=True).exists()


def test_generated_articles_are_published_chinese_and_found_by_the_help_search(supervisor):
    from bench.generators.knowledge import articles_generate, articles_generated_count
    from knowledge.models import Article
    from knowledge.selectors import article_queryset_public, article_search

    articles_generate(total=50)
    assert articles_generated_count() == 50 and not Article.objects.exclude(status="published").exists()
    assert Article.objects.filter(audience="agents").count() == 10  # every fifth
    assert article_search(article_queryset_public(), query="退货")
