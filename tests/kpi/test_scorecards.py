import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from helpdesk.roles import Role
from kpi import services
from kpi.models import QualityCheckItem, Scorecard, ScorecardIndicator, ScorecardScheme, TicketFact
from tests.factories import CustomerFactory, TicketFactory, UserFactory
from tests.kpi.conftest import at

pytestmark = pytest.mark.django_db
NOV = dt.date(2026, 11, 1)


def facts_for(agent, team, *, count, frt, resolved_met):
    """Insert ``count`` facts of November for the agent: first response ``frt`` minutes, ``resolved_met`` of them in SLA."""
    for n in range(count):
        ticket = TicketFactory(team=team, assignee=agent)
        TicketFact.objects.create(ticket=ticket, team=team, agent=agent, customer_id=ticket.customer_id, channel="chat",
                                  kind="consultation", created_at=at(3 + n % 20, 10), first_response_minutes=frt,
                                  responses=1, response_minutes_total=frt, resolved_at=at(25, 10),
                                  sla_resolution_met=n < resolved_met)


@pytest.fixture
def scheme():
    """The shipped default scheme (speed 30, resolution 25, satisfaction 25, technical support 20; parts 70/20/10)."""
    scheme = ScorecardScheme.objects.get()
    scheme.star_min_volume = 10
    scheme.save()
    return scheme


def test_indicator_scores_follow_thresholds_both_ways(scheme):
    speed = scheme.indicators.get(source="first_response_time_mean")  # lower is better: 30/15/5/2
    resolution = scheme.indicators.get(source="resolution_sla_rate")  # 70/80/90/95
    assert [speed.score(v) for v in (1, 2, 4.9, 10, 20, 31)] == [5, 5, 4, 3, 2, 1]
    assert [resolution.score(v) for v in (100, 95, 94.99, 80, 69.9, None)] == [5, 5, 4, 3, 1, None]


def test_scorecard_arithmetic_leaves_out_indicators_without_data(scheme, team, agent):
    facts_for(agent, team, count=10, frt=4, resolved_met=9)  # speed 4 (score 4), resolution 90 % (score 4)
    assert services.scorecards_compute(month=NOV) == 1
    card = Scorecard.objects.get(agent=agent)
    by_source = {i["source"]: i for i in card.indicators}
    assert by_source["first_response_time_mean"]["score"] == 4
    assert by_source["resolution_sla_rate"]["value"] == 90.0 and by_source["resolution_sla_rate"]["score"] == 4
    assert by_source["satisfaction"]["value"] is None  # no surveys: left out, weights re-based
    assert card.system_score == Decimal("4.00")
    assert card.final_score == Decimal("4.00")  # only the system part so far


def test_final_score_combines_supervisor_and_self_by_weight(scheme, team, agent, supervisor):
    facts_for(agent, team, count=10, frt=1, resolved_met=5)  # speed 5 × 30, resolution 50 % → 1 × 25 → (150+25)/55
    services.scorecards_compute(month=NOV)
    card = Scorecard.objects.get(agent=agent)
    assert card.system_score == Decimal("3.18")
    card = services.scorecard_rate(scorecard=card, actor=supervisor, rating=5, comment="很好")
    card = services.scorecard_self_assess(scorecard=card, actor=agent, rating=2)
    # (3.18 × 70 + 5 × 20 + 2 × 10) / 100 = 3.426 → 3.43
    assert card.final_score == Decimal("3.43")
    services.scorecards_compute(month=NOV)  # nightly recompute keeps the ratings
    card.refresh_from_db()
    assert (card.supervisor_rating, card.self_rating, card.final_score) == (5, 2, Decimal("3.43"))


def test_agents_cannot_rate_themselves_nor_others_self_assess(scheme, team, agent, supervisor):
    facts_for(agent, team, count=1, frt=1, resolved_met=1)
    services.scorecards_compute(month=NOV)
    card = Scorecard.objects.get(agent=agent)
    with pytest.raises(PermissionDenied):
        services.scorecard_rate(scorecard=card, actor=agent, rating=5)
    with pytest.raises(PermissionDenied):
        services.scorecard_self_assess(scorecard=card, actor=supervisor, rating=5)


def test_service_star_needs_the_minimum_volume_and_ties_go_to_volume_then_share(scheme, team):
    a, b, c, small = (UserFactory(username=n, role=Role.AGENT, teams=[team]) for n in ("a1", "b1", "c1", "s1"))
    facts_for(a, team, count=12, frt=1, resolved_met=12)
    facts_for(b, team, count=11, frt=1, resolved_met=11)
    facts_for(small, team, count=3, frt=1, resolved_met=3)  # same perfect score, too few tickets
    facts_for(c, team, count=10, frt=20, resolved_met=5)
    services.scorecards_compute(month=NOV)
    stars = set(Scorecard.objects.filter(is_service_star=True).values_list("agent__username", flat=True))
    assert stars == {"a1"}  # a1 and b1 tie on score: more tickets wins
    facts_for(b, team, count=1, frt=1, resolved_met=1)
    services.scorecards_compute(month=NOV)
    stars = set(Scorecard.objects.filter(is_service_star=True).values_list("agent__username", flat=True))
    assert stars == {"a1", "b1"}  # same score and volume: they share the star


def test_answer_accuracy_from_inspections_feeds_technical_support(scheme, team, agent, supervisor):
    from kpi.services import quality_inspection_create

    facts_for(agent, team, count=2, frt=1, resolved_met=2)
    ticket = TicketFact.objects.filter(agent=agent).first().ticket
    items = list(QualityCheckItem.objects.filter(is_active=True))  # weights 20/40/20/20
    import time_machine
    with time_machine.travel(at(20, 12), tick=False):
        inspection = quality_inspection_create(actor=supervisor, ticket=ticket,
                                               scores={i.pk: 5 if i.weight == 40 else 3 for i in items})
    assert inspection.score_percent == Decimal("76.00")  # (40×5 + 60×3) / (5 × 100)
    services.scorecards_compute(month=NOV)
    tech = next(i for i in Scorecard.objects.get(agent=agent).indicators if i["source"] == "answer_accuracy")
    assert tech["value"] == 76.0 and tech["score"] == 3


def test_survey_responses_feed_customer_satisfaction(scheme, team, agent):
    import time_machine

    from followups.services import survey_create, survey_respond
    from followups.tokens import survey_token

    facts_for(agent, team, count=2, frt=1, resolved_met=2)
    ticket = TicketFact.objects.filter(agent=agent).first().ticket
    answers = {"efficiency": 4, "professionalism": 5, "accuracy": 4}  # weighted 4.30
    with time_machine.travel(at(20, 12), tick=False):
        for overall in (4, 5):
            survey = survey_create(customer=ticket.customer, ticket=ticket)
            survey_respond(token=survey_token(survey), overall=overall, answers=answers)
    services.scorecards_compute(month=NOV)
    satisfaction = next(i for i in Scorecard.objects.get(agent=agent).indicators if i["source"] == "satisfaction")
    assert satisfaction["value"] == 4.3 and satisfaction["score"] is not None


def test_scorecard_api_scope_and_rating(scheme, team, agent, supervisor, api_client):
    other = UserFactory(username="other-agent", role=Role.AGENT, teams=[team])
    facts_for(agent, team, count=2, frt=1, resolved_met=2)
    facts_for(other, team, count=2, frt=1, resolved_met=2)
    services.scorecards_compute(month=NOV)
    mine, theirs = Scorecard.objects.get(agent=agent), Scorecard.objects.get(agent=other)
    api_client.force_authenticate(agent)
    listed = api_client.get("/api/v1/kpi/scorecards/", {"month": "2026-11"}).json()["results"]
    assert [c["agent"] for c in listed] == [agent.pk]
    assert api_client.get(f"/api/v1/kpi/scorecards/{theirs.pk}/").status_code == 404
    assert api_client.post(f"/api/v1/kpi/scorecards/{mine.pk}/rate/", {"rating": 5}).status_code == 403
    response = api_client.post(f"/api/v1/kpi/scorecards/{mine.pk}/self_assess/", {"rating": 4, "comment": "ok"})
    assert response.status_code == 200 and response.json()["self_rating"] == 4
    assert api_client.post(f"/api/v1/kpi/scorecards/{mine.pk}/self_assess/", {"rating": 9}).status_code == 400
    assert api_client.get("/api/v1/kpi/scorecards/", {"month": "2026-13"}).status_code == 400
    api_client.force_authenticate(supervisor)
    assert len(api_client.get("/api/v1/kpi/scorecards/", {"month": "2026-11"}).json()["results"]) == 2
    assert api_client.post(f"/api/v1/kpi/scorecards/{theirs.pk}/rate/", {"rating": 3}).status_code == 200


def test_scheme_weights_must_sum_to_100_in_admin(client_for, admin_user, scheme):
    from django.core.exceptions import ValidationError

    scheme.system_weight = 80
    with pytest.raises(ValidationError):
        scheme.full_clean()
    client = client_for(admin_user)
    indicators = list(scheme.indicators.all())
    data = {"name": scheme.name, "is_active": "on", "system_weight": 70, "supervisor_weight": 20, "self_weight": 10,
            "star_min_volume": 10, "quarter_weighting": "volume", "year_weighting": "volume",
            "indicators-TOTAL_FORMS": len(indicators), "indicators-INITIAL_FORMS": len(indicators),
            "indicators-MIN_NUM_FORMS": 0, "indicators-MAX_NUM_FORMS": 1000}
    for n, ind in enumerate(indicators):
        data |= {f"indicators-{n}-id": ind.pk, f"indicators-{n}-scheme": scheme.pk, f"indicators-{n}-name": ind.name,
                 f"indicators-{n}-source": ind.source, f"indicators-{n}-weight": ind.weight + (5 if n == 0 else 0),
                 f"indicators-{n}-is_higher_better": "on" if ind.is_higher_better else "",
                 f"indicators-{n}-threshold_2": ind.threshold_2, f"indicators-{n}-threshold_3": ind.threshold_3,
                 f"indicators-{n}-threshold_4": ind.threshold_4, f"indicators-{n}-threshold_5": ind.threshold_5,
                 f"indicators-{n}-position": ind.position}
    response = client.post(f"/admin/kpi/scorecardscheme/{scheme.pk}/change/", data)
    assert response.status_code == 200  # the form is shown again with the error
    assert "105" in response.content.decode()
    assert ScorecardIndicator.objects.get(pk=indicators[0].pk).weight == indicators[0].weight


def test_scorecard_pages(scheme, team, agent, supervisor, client_for):
    facts_for(agent, team, count=2, frt=1, resolved_met=2)
    services.scorecards_compute(month=NOV)
    card = Scorecard.objects.get(agent=agent)
    client = client_for(supervisor)
    assert f"/kpi/scorecards/{card.pk}/" in client.get("/kpi/scorecards/", {"month": "2026-11"}).content.decode()
    response = client.post(f"/kpi/scorecards/{card.pk}/", {"rating": "4", "comment": "稳定"})
    assert response.status_code == 302
    page = client.get(f"/kpi/scorecards/{card.pk}/").content.decode()
    assert 'data-testid="arithmetic"' in page and "4 × 20 %" in page
