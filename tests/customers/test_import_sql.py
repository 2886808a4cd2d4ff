"""The customer import's duplicate check and batch insert."""

import datetime as dt

import pytest
from django.utils import timezone

from customers.import_sql import contacts_existing, customers_insert
from customers.models import Customer, CustomerEvent
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def fields(name, phones=(), emails=(), **extra):
    return {"name": name, "phones": list(phones), "emails": list(emails), "city": "上海", "level": "normal", "tags": [],
            "source": "", "birthday": None, "addresses": [], "notes": "", "has_marketing_consent": False,
            "has_survey_consent": True, **extra}


def test_existing_contacts_in_one_statement(django_assert_num_queries):
    CustomerFactory(phone="13800138000", email="a@example.com")
    with django_assert_num_queries(1):
        assert contacts_existing(["13800138000", "13900139000", "a@example.com"]) == {"13800138000", "a@example.com"}
    with django_assert_num_queries(0):
        assert contacts_existing([]) == set()


def test_insert_returns_ids_in_row_order_with_contacts_addresses_and_events(agent):
    now = timezone.now()
    rows = [
        fields("甲", phones=["13700000001", "13700000002"], emails=["jia@example.com"], tags=["高价值", "多次投诉"],
               birthday=dt.date(1990, 1, 2), addresses=["上海市浦东新区世纪大道100号"], has_marketing_consent=True),
        fields("乙"),
    ]
    ids = customers_insert(rows, actor_id=agent.pk, note="customers.csv", now=now)
    first, second = (Customer.objects.get(pk=pk) for pk in ids)
    assert (first.name, second.name) == ("甲", "乙")
    assert first.phone == "13700000001" and first.email == "jia@example.com" and second.phone == ""
    assert first.tags == ["高价值", "多次投诉"] and first.birthday == dt.date(1990, 1, 2) and first.has_marketing_consent
    assert first.created_at == now and first.review_status == "none"
    assert sorted(first.contacts.values_list("normalized", "is_primary")) == [
        ("13700000001", True), ("13700000002", False), ("jia@example.com", True)]
    assert list(first.addresses.values_list("address", "is_default")) == [("上海市浦东新区世纪大道100号", True)]
    assert not second.contacts.exists() and not second.addresses.exists()
    event = CustomerEvent.objects.get(customer=first)
    assert event.kind == CustomerEvent.Kind.IMPORTED and event.actor == agent and event.note == "customers.csv"
