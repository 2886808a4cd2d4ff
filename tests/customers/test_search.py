"""Search by name anywhere, tag filter on skewed data, and the query budget of a search."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from customers.models import Customer, CustomerLevel
from customers.selectors import customer_stats_many, level_labels
from customers.services import customer_tags_sync
from tests.factories import CustomerFactory, OrderFactory, TicketFactory, UserFactory

pytestmark = pytest.mark.django_db


def ids(api_client, **params):
    response = api_client.get("/api/v1/customers/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_name_search_finds_any_part_of_the_name(api_client, agent):
    wang = CustomerFactory(name="王建国")
    ouyang = CustomerFactory(name="欧阳建国强")
    CustomerFactory(name="李芳")
    smith = CustomerFactory(name="John Smithers")
    api_client.force_authenticate(agent)
    assert ids(api_client, q="王") == {wang.pk}  # a surname: the start
    assert ids(api_client, q="建国") == {wang.pk}  # a given name (1–2 characters): the end
    assert ids(api_client, q="阳建国") == {ouyang.pk}  # 3+ characters: anywhere
    assert ids(api_client, q="建国强") == {ouyang.pk}
    assert ids(api_client, q="smith") == {smith.pk}  # case-insensitive
    assert ids(api_client, q="张三丰") == set()


def test_name_search_still_finds_order_and_ticket_numbers(api_client, agent):
    by_order, by_ticket = CustomerFactory(name="赵一"), CustomerFactory(name="钱二")
    order = OrderFactory(customer=by_order)
    ticket = TicketFactory(customer=by_ticket)
    api_client.force_authenticate(agent)
    assert ids(api_client, q=order.number) == {by_order.pk}
    assert ids(api_client, q=ticket.number) == {by_ticket.pk}


def test_rare_tag_among_many_common_ones_is_found(api_client, agent):
    old = CustomerFactory(tags=["旧客户", "批次1"])
    made = Customer.objects.bulk_create([Customer(name=f"客户{i}", tags=["多次投诉", f"批次{i}"]) for i in range(60)])
    customer_tags_sync(customer_ids=[customer.pk for customer in made])
    api_client.force_authenticate(agent)
    assert ids(api_client, tag="旧客户") == {old.pk}
    assert len(ids(api_client, tag="多次投诉")) == 25


def test_search_by_phone_costs_few_queries(client, agent, django_assert_max_num_queries):
    customer = CustomerFactory(phone="13812345678")
    client.force_login(agent)
    client.get("/api/v1/customers/", {"q": "138 1234 5678"})
    # user, permissions (one query), the page, contacts, addresses, statistics: no COUNT, no per-row query.
    with django_assert_max_num_queries(7):
        response = client.get("/api/v1/customers/", {"q": "+86 138-1234-5678"})
    assert [row["id"] for row in response.json()["results"]] == [customer.pk]


def test_permissions_own_and_through_groups_are_one_query_per_user_object(agent):
    user = UserFactory(username="t-perm")
    user.user_permissions.add(Permission.objects.get(codename="view_pii"))
    group = Group.objects.create(name="t-group")
    group.permissions.add(Permission.objects.get(codename="merge_customer"))
    user.groups.add(group)
    fresh = type(user).objects.get(pk=user.pk)
    with CaptureQueriesContext(connection) as queries:
        assert fresh.has_perm("customers.view_pii") and fresh.has_perm("customers.merge_customer")
        assert not fresh.has_perm("customers.anonymize_customer")
    assert len(queries) == 1
    fresh.is_active = False
    assert not type(user).objects.get(pk=user.pk).has_perm("customers.anonymize_customer")


def test_level_labels_are_cached_and_follow_admin_changes():
    level = CustomerLevel.objects.create(code="gold", name="金卡")
    assert level_labels()["gold"] == "金卡"
    with CaptureQueriesContext(connection) as queries:
        level_labels()
    assert len(queries) == 0
    level.name = "黄金会员"
    level.save()
    assert level_labels()["gold"] == "黄金会员"
    level.delete()
    assert "gold" not in level_labels()


def test_stats_of_many_customers_in_one_query():
    a, b = CustomerFactory(), CustomerFactory()
    OrderFactory(customer=a, total_amount=100)
    OrderFactory(customer=a, total_amount=50, status="cancelled")
    TicketFactory(customer=b, kind="complaint")
    with CaptureQueriesContext(connection) as queries:
        stats = customer_stats_many(customer_ids=[a.pk, b.pk])
    assert len(queries) == 1
    assert stats[a.pk]["orders"] == 2 and stats[a.pk]["spend"] == "100.00" and stats[a.pk]["tickets"] == 0
    assert stats[b.pk]["complaints"] == 1 and stats[b.pk]["orders"] == 0 and stats[b.pk]["last_contact_at"]
