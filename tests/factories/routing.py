import factory

from routing.models import RoutingProfile, TeamRouting
from tests.factories.helpdesk import TeamFactory


class TeamRoutingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamRouting

    team = factory.SubFactory(TeamFactory)
    mode = TeamRouting.Mode.LEAST_LOADED


class RoutingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoutingProfile
        django_get_or_create = ("user",)

    max_open_tickets = 20
