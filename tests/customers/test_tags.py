"""Tag rows (the tag filter's copy of ``Customer.tags``) follow every writer of tags, in its transaction."""

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from customers.admin import CustomerAdmin
from customers.models import Customer, CustomerImport, CustomerTag
from customers.services import (
    customer_anonymize, customer_create, customer_import_create, customer_import_run, customer_merge, customer_tags_sync,
    customer_update,
)
from tests.factories import CustomerFactory

pytestmark = pytest.mark.django_db


def tag_rows(customer) -> set[str]:
    return set(CustomerTag.objects.filter(customer=customer).values_list("tag", flat=True))


def ids(api_client, **params):
    response = api_client.get("/api/v1/customers/", params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_tag_rows_follow_create_and_update(api_client, agent):
    customer = customer_create(actor=agent, name="王芳", tags=["黑名单", "高价值"])
    assert tag_rows(customer) == {"黑名单", "高价值"}
    customer_update(actor=agent, customer=customer, tags=["高价值", "多次投诉"])
    assert tag_rows(customer) == {"高价值", "多次投诉"}
    api_client.force_authenticate(agent)
    assert ids(api_client, tag="多次投诉") == {customer.pk}
    assert ids(api_client, tag="黑名单") == set()
    customer_update(actor=agent, customer=customer, tags=[])
    assert tag_rows(customer) == set()


def test_update_without_tags_leaves_the_rows_alone(agent):
    customer = customer_create(actor=agent, name="王芳", tags=["高价值"])
    row = CustomerTag.objects.get(customer=customer)
    customer_update(actor=agent, customer=customer, city="北京")
    assert CustomerTag.objects.get(customer=customer) == row


def test_tag_rows_follow_the_api(api_client, supervisor):
    customer = CustomerFactory()
    api_client.force_authenticate(supervisor)
    assert api_client.patch(f"/api/v1/customers/{customer.pk}/", {"tags": ["高价值"]}, format="json").status_code == 200
    assert ids(api_client, tag="高价值") == {customer.pk}


def test_merge_gives_the_survivor_rows_for_both_archives_tags(supervisor):
    survivor = CustomerFactory(tags=["高价值"])
    duplicate = CustomerFactory(tags=["多次投诉", "高价值"])
    customer_merge(actor=supervisor, survivor=survivor, duplicate=duplicate)
    assert tag_rows(survivor) == {"高价值", "多次投诉"}
    assert tag_rows(duplicate) == {"多次投诉", "高价值"}  # the merged-away archive keeps its own, as its tags do


def test_anonymize_keeps_the_tags_and_their_rows(manager):
    customer = CustomerFactory(tags=["多次投诉"])
    customer_anonymize(actor=manager, customer=customer)
    customer.refresh_from_db()
    assert customer.tags == ["多次投诉"] and tag_rows(customer) == {"多次投诉"}


def test_import_writes_the_tag_rows(agent, api_client):
    content = "name,phone,tags\n甲,13700000001,高价值;多次投诉\n乙,13700000002,\n".encode()
    job = customer_import_create(actor=agent, upload=SimpleUploadedFile("c.csv", content),
                                 mode=CustomerImport.Mode.ALL_OR_NOTHING)
    assert customer_import_run(import_id=job.pk).status == "done"
    first, second = Customer.objects.get(name="甲"), Customer.objects.get(name="乙")
    assert tag_rows(first) == {"高价值", "多次投诉"} and tag_rows(second) == set()
    api_client.force_authenticate(agent)
    assert ids(api_client, tag="多次投诉") == {first.pk}


def test_admin_change_of_tags_rewrites_the_rows(rf, admin_user):
    customer = CustomerFactory(tags=["高价值"])
    model_admin = CustomerAdmin(Customer, admin.site)
    request = rf.post("/")
    request.user = admin_user
    form_class = model_admin.get_form(request, customer, change=True)
    data = {field.name: field.value() for field in form_class(instance=customer)}
    form = form_class({**data, "tags": '["黑名单"]'}, instance=customer)
    assert form.is_valid(), form.errors
    model_admin.save_model(request, form.save(commit=False), form, change=True)
    assert tag_rows(customer) == {"黑名单"}


def test_sync_repairs_any_difference_for_a_queryset_of_ids():
    a, b = CustomerFactory(tags=["甲", "乙"]), CustomerFactory(tags=["丙"])
    Customer.objects.filter(pk=a.pk).update(tags=["乙", "乙", "丁" * 80])  # duplicates and an over-long tag
    Customer.objects.filter(pk=b.pk).update(tags={"not": "a list"})
    customer_tags_sync(customer_ids=Customer.objects.filter(pk__in=[a.pk, b.pk]).values("pk"))
    assert tag_rows(a) == {"乙", "丁" * 64} and tag_rows(b) == set()


def test_no_trigger_writes_the_tag_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'customers_customer'::regclass AND NOT tgisinternal")
        assert cursor.fetchall() == []
    customer = Customer.objects.create(name="直接写入", tags=["高价值"])
    assert tag_rows(customer) == set()  # only the services write them
