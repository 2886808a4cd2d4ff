import pytest
from rest_framework.test import APIClient

from helpdesk.roles import Role
from tests.factories import TeamFactory, UserFactory


@pytest.fixture
def team(db):
    return TeamFactory(name="售前测试", code="presales-test")


@pytest.fixture
def other_team(db):
    return TeamFactory(name="售后测试", code="aftersales-test")


@pytest.fixture
def agent(team):
    return UserFactory(username="t-agent", role=Role.AGENT, teams=[team])


@pytest.fixture
def supervisor(team):
    user = UserFactory(username="t-supervisor", role=Role.SUPERVISOR, teams=[team])
    team.supervisor = user
    team.save(update_fields=["supervisor"])
    return user


@pytest.fixture
def manager(db):
    return UserFactory(username="t-manager", role=Role.MANAGER)


@pytest.fixture
def admin_user(db):
    return UserFactory(username="t-admin", role=Role.ADMIN, is_staff=True)


@pytest.fixture
def api_client():
    return APIClient()


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a user."""

    def login(user):
        client.force_login(user)
        return client

    return login
