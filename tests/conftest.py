import uuid

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework.test import APIClient

from helpdesk.roles import Role
from tests.defaults import defaults_load
from tests.factories import TeamFactory, UserFactory


@pytest.fixture(autouse=True)
def no_quiet_hours(settings):
    """SMS goes at any hour the suite runs at; the tests of quiet hours set them."""
    settings.NOTICE_QUIET_HOURS = ""


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the default language: a request in English leaves English active on the thread."""
    yield
    translation.deactivate()


def pytest_configure(config):
    """Keep this run's cache keys (throttles, heartbeat) apart from any other run on the same Redis."""
    settings.CACHES["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:8]}"
    # Every test client comes from one address: the help centre's per-address limits are lowered only where tested.
    settings.HELP_SOLVED_PER_HOUR = settings.HELP_SUGGEST_PER_MINUTE = 1_000_000


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
def api(api_client):
    """Return a function that authenticates the API client as a user."""

    def login(user):
        api_client.force_authenticate(user)
        return api_client

    return login


@pytest.fixture
def client_for(client):
    """Return a function that logs the test client in as a user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def sla_defaults(db):
    """Make sure the shipped calendars and SLA policies exist (transactional tests flush migration rows)."""
    defaults_load("helpdesk.migrations.0004_seed_business_calendars")
    defaults_load("tickets.migrations.0004_default_sla_policies")
