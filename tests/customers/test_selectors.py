import pytest

from customers.selectors import customer_may_open, customer_queryset_for_viewer
from tests.factories import CustomerFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_customer_may_open_agrees_with_the_archive_queryset(agent):
    survivor = CustomerFactory()
    merged = CustomerFactory(merged_into=survivor)
    outsider = UserFactory(username="t-no-role", role=None)
    for viewer in (agent, outsider):
        openable = set(customer_queryset_for_viewer(viewer=viewer).values_list("pk", flat=True))
        for customer in (survivor, merged):
            assert customer_may_open(viewer=viewer, customer=customer) == (customer.pk in openable), (viewer, customer)
    assert customer_may_open(viewer=agent, customer=survivor) and not customer_may_open(viewer=agent, customer=merged)
