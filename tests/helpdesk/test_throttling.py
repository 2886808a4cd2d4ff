"""Each user's API token requests are limited per window; browser sessions and other users are not counted against it."""

import pytest

from helpdesk.roles import Role
from helpdesk.services import api_token_issue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def three_a_minute(settings):
    settings.API_RATE_LIMIT = "3/minute"


def token_get(client, user, path="/api/v1/me/"):
    return client.get(path, HTTP_AUTHORIZATION=f"Token {api_token_issue(user=user).key}")


def test_past_the_limit_a_token_gets_429_with_retry_after(client, agent):
    assert [token_get(client, agent).status_code for _ in range(3)] == [200, 200, 200]
    refused = token_get(client, agent, "/api/v1/tickets/")
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 60 and refused.json()["detail"]


def test_each_user_has_a_count_of_their_own(client, agent, team):
    colleague = UserFactory(username="t-colleague", role=Role.AGENT, teams=[team])
    for _ in range(3):
        token_get(client, agent)
    assert token_get(client, agent).status_code == 429
    assert token_get(client, colleague).status_code == 200


def test_a_browser_session_is_not_counted(client_for, agent):
    browser = client_for(agent)
    assert {browser.get("/api/v1/me/").status_code for _ in range(5)} == {200}
