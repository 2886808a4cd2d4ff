import pytest

from chat.models import AgentPresence
from helpdesk.roles import Role
from routing import tasks
from routing.models import TeamRouting
from tests.factories import TeamFactory, UserFactory
from tests.factories.routing import RoutingProfileFactory, TeamRoutingFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def routed_team(db):
    team = TeamFactory(name="售后路由", code="aftersales-routing")
    TeamRoutingFactory(team=team, mode=TeamRouting.Mode.LEAST_LOADED)
    return team


def presence_set(user, status=AgentPresence.Status.ONLINE):
    AgentPresence.objects.update_or_create(user=user, defaults={"status": status})


def agent_make(team, name, *, online=True, capacity=None):
    user = UserFactory(username=name, role=Role.AGENT, teams=[team])
    if online:
        presence_set(user)
    if capacity is not None:
        RoutingProfileFactory(user=user, max_open_tickets=capacity)
    return user


@pytest.fixture
def tasks_run_inline(monkeypatch):
    """Run the routing tasks where they are sent, as a worker would."""
    for task in (tasks.ticket_route, tasks.agent_backlog_deliver):
        monkeypatch.setattr(task, "delay", lambda task=task, **kwargs: task(**kwargs))
