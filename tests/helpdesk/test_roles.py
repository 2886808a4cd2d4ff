import pytest
from django.contrib.auth.models import Group, Permission

from helpdesk.navigation import nav_items_for
from helpdesk.roles import ROLE_PERMISSIONS, Role, has_role_at_least, permissions_for, primary_role, roles_of
from tests.factories import UserFactory


def test_each_role_inherits_the_permissions_below_it():
    assert permissions_for(Role.AGENT) < permissions_for(Role.SUPERVISOR) < permissions_for(Role.MANAGER)
    assert permissions_for(Role.MANAGER) < permissions_for(Role.ADMIN)


@pytest.mark.django_db
def test_every_named_permission_exists():
    for labels in ROLE_PERMISSIONS.values():
        for label in labels:
            app_label, codename = label.split(".")
            assert Permission.objects.filter(content_type__app_label=app_label, codename=codename).exists(), label


@pytest.mark.django_db
@pytest.mark.parametrize("role", list(Role))
def test_migration_gives_each_group_exactly_its_permissions(role):
    group = Group.objects.get(name=role.value)
    held = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")}
    assert held == permissions_for(role)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed", "denied"),
    [
        (Role.AGENT, {"tickets.view_ticket", "customers.view_customer"}, {"customers.view_pii", "kpi.view_dashboard", "tickets.approve_remedy"}),
        (Role.SUPERVISOR, {"customers.view_pii", "kpi.view_dashboard", "tickets.approve_remedy"}, {"kpi.view_all_teams", "helpdesk.add_user"}),
        (Role.MANAGER, {"kpi.view_all_teams", "customers.export_customer"}, {"helpdesk.add_user", "tickets.delete_ticket"}),
        (Role.ADMIN, {"helpdesk.add_user", "helpdesk.change_team", "tickets.add_category"}, set()),
    ],
)
def test_role_permissions(role, allowed, denied):
    user = UserFactory(role=role)
    for permission in allowed:
        assert user.has_perm(permission), permission
    for permission in denied:
        assert not user.has_perm(permission), permission


@pytest.mark.django_db
def test_primary_role_is_the_highest():
    user = UserFactory(role=Role.AGENT)
    user.groups.add(Group.objects.get(name=Role.SUPERVISOR.value))
    assert roles_of(user) == [Role.AGENT, Role.SUPERVISOR]
    assert primary_role(user) == Role.SUPERVISOR
    assert has_role_at_least(user, Role.SUPERVISOR)
    assert not has_role_at_least(user, Role.MANAGER)


@pytest.mark.django_db
def test_superuser_counts_as_admin_and_userless_role_is_none():
    assert primary_role(UserFactory(is_superuser=True)) == Role.ADMIN
    assert primary_role(UserFactory()) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "staff", "expected"),
    [
        (Role.AGENT, False, ["inbox", "chat", "tickets", "calls", "customers", "orders", "returns", "reviews", "followups",
                             "scorecards", "knowledge", "training", "canned"]),
        (Role.SUPERVISOR, False, ["inbox", "chat", "tickets", "calls", "customers", "orders", "returns", "reviews", "followups",
                                  "kpi", "scorecards", "approvals", "sla", "knowledge", "training", "canned"]),
        (Role.MANAGER, False, ["inbox", "chat", "tickets", "calls", "customers", "orders", "returns", "reviews", "followups",
                               "kpi", "scorecards", "tasks", "approvals", "sla", "knowledge", "training", "canned"]),
        (Role.ADMIN, True, ["inbox", "chat", "tickets", "calls", "customers", "orders", "returns", "reviews", "followups",
                            "kpi", "scorecards", "tasks", "approvals", "sla", "knowledge", "training", "canned", "admin"]),
    ],
)
def test_navigation_follows_role(role, staff, expected):
    user = UserFactory(role=role, is_staff=staff)
    assert [item.key for item in nav_items_for(user)] == expected
