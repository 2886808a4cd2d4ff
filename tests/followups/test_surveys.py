import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from followups import services, tokens
from followups.models import FollowUpSettings, Survey, SurveyQuestion, SurveyResponse
from tests.factories import CustomerFactory, OrderFactory, TicketFactory
from tickets.models import Ticket

GOOD = {"efficiency": 5, "professionalism": 4, "accuracy": 3}


@pytest.fixture
def ticket(db, team, agent):
    return TicketFactory(team=team, assignee=agent, status="resolved", order=None)


@pytest.fixture
def survey(ticket):
    return services.survey_create(customer=ticket.customer, ticket=ticket)


def test_survey_links_the_ticket_agent_and_team(survey, ticket, agent, team):
    assert (survey.ticket, survey.agent, survey.team) == (ticket, agent, team)
    assert survey.expires_at - timezone.now() > dt.timedelta(days=13, hours=23)


def test_response_is_weighted_and_linked(survey, agent, team):
    response = services.survey_respond(token=tokens.survey_token(survey), overall=4, answers=GOOD, comment="很好")
    # (5×0.4 + 4×0.3 + 3×0.3) / 1.0
    assert response.score == Decimal("4.10")
    assert (response.agent, response.team, response.ticket) == (agent, team, survey.ticket)
    assert not response.is_low and response.low_score_ticket is None
    survey.refresh_from_db()
    assert survey.responded_at is not None


def test_admin_edits_weights(survey):
    SurveyQuestion.objects.filter(code="accuracy").update(weight=0)
    response = services.survey_respond(token=tokens.survey_token(survey), overall=4, answers=GOOD)
    assert response.score == Decimal("4.57")


def test_one_response_per_survey(survey):
    token = tokens.survey_token(survey)
    services.survey_respond(token=token, overall=5, answers=GOOD)
    with pytest.raises(tokens.SurveyUnavailable) as info:
        services.survey_respond(token=token, overall=1, answers=GOOD)
    assert info.value.reason == tokens.ANSWERED
    assert SurveyResponse.objects.count() == 1


@pytest.mark.parametrize("token", ["", "abc", "eyJzIjoxfQ:1abc:forged", "x" * 600])
def test_forged_tokens_are_refused(survey, token):
    with pytest.raises(tokens.SurveyUnavailable) as info:
        services.survey_respond(token=token, overall=5, answers=GOOD)
    assert info.value.reason == tokens.INVALID
    assert not SurveyResponse.objects.exists()


def test_expired_link_writes_nothing(survey):
    token = tokens.survey_token(survey)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        with pytest.raises(tokens.SurveyUnavailable) as info:
            services.survey_respond(token=token, overall=5, answers=GOOD)
    assert info.value.reason == tokens.EXPIRED
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize(("overall", "answers"), [(0, GOOD), (6, GOOD), ("x", GOOD), (5, {**GOOD, "accuracy": 9}),
                                                  (5, {"efficiency": 5})])
def test_scores_out_of_range_write_nothing(survey, overall, answers):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.survey_respond(token=tokens.survey_token(survey), overall=overall, answers=answers)
    assert not SurveyResponse.objects.exists()
    survey.refresh_from_db()
    assert survey.responded_at is None


def test_low_score_opens_a_ticket_for_the_teams_supervisor(survey, supervisor, team):
    response = services.survey_respond(token=tokens.survey_token(survey), overall=2, answers=GOOD, comment="太慢了")
    assert response.is_low
    ticket = response.low_score_ticket
    assert ticket.assignee == supervisor and ticket.team == team and ticket.kind == Ticket.Kind.COMPLAINT
    assert ticket.customer == survey.customer and "太慢了" in ticket.description


def test_low_score_threshold_is_configurable(survey, supervisor):
    FollowUpSettings.objects.update(low_score_threshold=3)
    response = services.survey_respond(token=tokens.survey_token(survey), overall=3, answers=GOOD)
    assert response.is_low and response.low_score_ticket is not None


def test_survey_of_an_order_visit(db, team):
    order = OrderFactory(customer=CustomerFactory())
    survey = services.survey_create(customer=order.customer, order=order, team=team, language="en")
    response = services.survey_respond(token=tokens.survey_token(survey), overall=5, answers=GOOD)
    assert response.order == order and Survey.objects.get().language == "en"


# The public page (no login) and the public API.

def test_public_page_in_the_customers_language(client, survey):
    survey.language = "en"
    survey.save(update_fields=["language"])
    page = client.get(f"/s/{tokens.survey_token(survey)}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Resolution efficiency" in html and "Overall satisfaction" in html


def test_public_page_default_is_chinese(client, survey):
    html = client.get(f"/s/{tokens.survey_token(survey)}/").content.decode()
    assert "解决效率" in html and "专业程度" in html and "准确性" in html


def test_public_page_submission_then_reuse_is_friendly(client, survey):
    url = f"/s/{tokens.survey_token(survey)}/"
    answer = client.post(url, {"overall": "5", "efficiency": "5", "professionalism": "5", "accuracy": "4", "comment": "好"})
    assert answer.status_code == 200 and b'data-problem=""' in answer.content
    again = client.get(url)
    assert b'data-problem="answered"' in again.content
    assert SurveyResponse.objects.count() == 1


def test_public_page_missing_scores_shows_errors(client, survey):
    answer = client.post(f"/s/{tokens.survey_token(survey)}/", {"overall": "9"})
    assert answer.status_code == 400 and b"sv-err" in answer.content
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("token", ["nonsense", "eyJzIjoxfQ:1abc:forged"])
def test_public_page_forged_token_is_friendly(client, db, token):
    page = client.get(f"/s/{token}/")
    assert page.status_code == 404 and b'data-problem="invalid"' in page.content


def test_public_page_expired(client, survey):
    url = f"/s/{tokens.survey_token(survey)}/"
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        page = client.post(url, {"overall": "5", **{k: str(v) for k, v in GOOD.items()}})
    assert page.status_code == 410 and not SurveyResponse.objects.exists()


def test_public_api(api_client, survey):
    url = f"/api/v1/surveys/{tokens.survey_token(survey)}/responses/"
    bad = api_client.post(url, {"overall": 7, "answers": GOOD}, format="json")
    assert bad.status_code == 400 and "overall" in bad.json()
    bad = api_client.post(url, {"overall": 4, "answers": {**GOOD, "accuracy": 0}}, format="json")
    assert bad.status_code == 400
    assert not SurveyResponse.objects.exists()
    good = api_client.post(url, {"overall": 4, "answers": GOOD, "comment": "ok"}, format="json")
    assert good.status_code == 201 and good.json()["score"] == "4.10"
    assert api_client.post(url, {"overall": 4, "answers": GOOD}, format="json").status_code == 409
    assert api_client.post("/api/v1/surveys/forged/responses/", {"overall": 4, "answers": GOOD},
                           format="json").status_code == 404


def test_public_api_expired(api_client, survey):
    url = f"/api/v1/surveys/{tokens.survey_token(survey)}/responses/"
    with time_machine.travel(timezone.now() + dt.timedelta(days=15)):
        assert api_client.post(url, {"overall": 4, "answers": GOOD}, format="json").status_code == 410


def test_staff_response_list(api_client, survey, supervisor, agent, manager):
    services.survey_respond(token=tokens.survey_token(survey), overall=5, answers=GOOD)
    api_client.force_authenticate(agent)
    assert api_client.get("/api/v1/surveys/responses/").status_code == 403
    api_client.force_authenticate(supervisor)
    rows = api_client.get("/api/v1/surveys/responses/").json()["results"]
    assert [(r["overall"], r["agent"], r["ticket_number"]) for r in rows] == [(5, agent.pk, survey.ticket.number)]
    api_client.force_authenticate(manager)
    assert len(api_client.get("/api/v1/surveys/responses/?is_low=false").json()["results"]) == 1
    assert api_client.get("/api/v1/surveys/responses/?submitted_after=nonsense").status_code == 400


# Agents are rated by these surveys: they never hold a live link and never answer one.

def test_survey_answer_from_a_staff_session_is_refused(client_for, agent, survey):
    url = f"/s/{tokens.survey_token(survey)}/"
    page = client_for(agent).post(url, {"overall": "5", "efficiency": "5", "professionalism": "5", "accuracy": "5"})
    assert page.status_code == 403 and b'data-problem="staff"' in page.content
    assert not SurveyResponse.objects.exists()


def test_survey_answer_through_the_api_with_a_staff_token_is_refused(api_client, agent, survey):
    api_client.force_authenticate(agent)
    answer = api_client.post(f"/api/v1/surveys/{tokens.survey_token(survey)}/responses/",
                             {"overall": 5, "answers": GOOD}, format="json")
    assert answer.status_code == 403 and answer.json()["detail"]
    assert not SurveyResponse.objects.exists()


def test_survey_answer_through_the_api_without_login_is_taken(api_client, survey):
    answer = api_client.post(f"/api/v1/surveys/{tokens.survey_token(survey)}/responses/",
                             {"overall": 5, "answers": GOOD}, format="json")
    assert answer.status_code == 201


def test_survey_links_in_messages_are_hidden_from_staff(survey):
    token = tokens.survey_token(survey)
    text = f"王小明您好，请打分：https://shop.example.com/s/{token}/ 谢谢。另见 https://example.com/s/sale/"
    hidden = tokens.survey_links_hidden(text)
    assert token not in hidden and "https://example.com/s/sale/" in hidden and hidden.startswith("王小明您好，请打分：")
