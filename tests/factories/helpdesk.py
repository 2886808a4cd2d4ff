import factory
from django.apps import apps as django_apps
from django.contrib.auth.models import Group

from helpdesk.models import Team, User
from helpdesk.roles import role_groups_sync

PASSWORD = "test-pass-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"客服{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        """Put the user in the named role group: UserFactory(role=Role.AGENT)."""
        if create and extracted:
            name = getattr(extracted, "value", extracted)
            if not Group.objects.filter(name=name).exists():
                # A transactional test before this one flushed the groups the migration made.
                role_groups_sync(django_apps)
            self.groups.add(Group.objects.get(name=name))
        if create:
            self.save()

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                team.members.add(self)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"团队{n}")
    code = factory.Sequence(lambda n: f"team-{n}")
