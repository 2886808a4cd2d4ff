import pytest
from django.contrib.auth.models import Permission

from helpdesk.navigation import NAV_ITEMS, nav_items_for
from tests.factories import UserFactory


def _user_holding(*labels: str):
    user = UserFactory()
    for label in labels:
        app_label, codename = label.split(".")
        user.user_permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return type(user).objects.get(pk=user.pk)


@pytest.mark.django_db
def test_follow_ups_entry_follows_the_follow_up_permission_not_the_customer_one():
    customers_only = _user_holding("customers.view_customer")
    follow_ups_only = _user_holding("followups.view_followupvisit")
    assert "followups" not in [item.key for item in nav_items_for(customers_only)]
    assert "followups" in [item.key for item in nav_items_for(follow_ups_only)]


# What else makes an entry with a ``shown_to`` rule show: the department-task queue is for whoever sees every
# department's tasks (and for the people of a department's team, tests/tickets/test_department_tasks.py).
QUALIFIES = {"tasks": ("tickets.view_all_internaltasks",)}


@pytest.mark.django_db
@pytest.mark.parametrize("item", [item for item in NAV_ITEMS if item.permissions], ids=lambda item: item.key)
def test_each_entry_is_shown_to_exactly_those_who_may_open_its_page(client, item):
    user = _user_holding(*item.permissions, *QUALIFIES.get(item.key, ()))
    assert item.key in [shown.key for shown in nav_items_for(user)]
    client.force_login(user)
    assert client.get(item.url).status_code == 200
    for missing in item.permissions:
        short = _user_holding(*(label for label in item.permissions if label != missing), *QUALIFIES.get(item.key, ()))
        assert item.key not in [shown.key for shown in nav_items_for(short)], missing


@pytest.mark.django_db
def test_the_task_queue_entry_needs_more_than_the_permission():
    holder = _user_holding("tickets.view_internaltask")
    assert "tasks" not in [item.key for item in nav_items_for(holder)]
