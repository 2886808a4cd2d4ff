import pytest
from django.contrib.auth.models import Group, Permission

from helpdesk.models import Team, User

pytestmark = pytest.mark.django_db


def _fresh(user):
    """The user as the next request reads them."""
    return User.objects.get(pk=user.pk)


def test_access_is_read_from_the_cache_on_the_next_request(agent, django_assert_num_queries):
    """Each part (permissions, groups, teams) is read once and then comes from the cache."""
    first = _fresh(agent)
    assert first.has_perm("tickets.change_ticket") and first.team_ids and first.group_names
    user = _fresh(agent)
    with django_assert_num_queries(0):
        assert user.has_perm("tickets.change_ticket")
        assert user.team_ids and user.group_names


def test_a_granted_or_revoked_permission_shows_on_the_next_request(agent):
    permission = Permission.objects.get(codename="merge_ticket", content_type__app_label="tickets")
    assert not _fresh(agent).has_perm("tickets.merge_ticket")
    agent.user_permissions.add(permission)
    assert _fresh(agent).has_perm("tickets.merge_ticket")
    agent.user_permissions.remove(permission)
    assert not _fresh(agent).has_perm("tickets.merge_ticket")


def test_a_group_change_shows_on_the_next_request(agent):
    permission = Permission.objects.get(codename="merge_ticket", content_type__app_label="tickets")
    group = agent.groups.first()
    assert not _fresh(agent).has_perm("tickets.merge_ticket")
    group.permissions.add(permission)
    assert _fresh(agent).has_perm("tickets.merge_ticket")
    group.permissions.remove(permission)
    assert not _fresh(agent).has_perm("tickets.merge_ticket")
    agent.groups.clear()
    assert _fresh(agent).group_names == frozenset()
    other = Group.objects.create(name="Reviewers")
    other.user_set.add(agent)
    assert _fresh(agent).group_names == {"Reviewers"}


def test_a_team_change_shows_on_the_next_request(agent, team):
    assert team.pk in _fresh(agent).team_ids
    team.members.remove(agent)
    assert team.pk not in _fresh(agent).team_ids
    extra = Team.objects.create(name="Returns", code="returns", supervisor=agent)
    assert extra.pk in _fresh(agent).team_ids
    team.members.add(agent)
    assert [t.pk for t in _fresh(agent).member_teams] == [team.pk]
    team.name = "售前一组"
    team.save()
    assert [t.name for t in _fresh(agent).member_teams] == ["售前一组"]


def test_superuser_flag_changes_the_permissions_at_once(agent):
    assert not _fresh(agent).has_perm("tickets.merge_ticket")
    User.objects.filter(pk=agent.pk).update(is_superuser=True)
    assert _fresh(agent).has_perm("tickets.merge_ticket")


def test_a_page_reads_all_its_access_in_two_cache_round_trips(agent):
    from unittest import mock

    from django.core.cache import cache

    first = _fresh(agent)
    assert first.has_perm("tickets.change_ticket") and first.team_ids and first.group_names
    user = _fresh(agent)
    with mock.patch.object(cache, "get", wraps=cache.get) as get, \
            mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many:
        assert user.has_perm("tickets.change_ticket") and user.team_ids and user.group_names
    assert get.call_count == 1 and get_many.call_count == 1


def test_raising_the_version_counts_up_and_starts_again_when_gone(agent):
    from django.core.cache import cache

    from helpdesk.access import VERSION_KEY, _version_raise

    assert _fresh(agent).group_names
    before = cache.get(VERSION_KEY)
    _version_raise()
    assert cache.get(VERSION_KEY) == before + 1
    cache.delete(VERSION_KEY)
    _version_raise()
    assert cache.get(VERSION_KEY) == 1
