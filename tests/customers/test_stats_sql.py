"""The customer statistics statement."""

from decimal import Decimal

import pytest

from customers.stats_sql import customer_stats_rows
from followups.models import Survey, SurveyResponse
from orders.models import ReturnRequest
from tests.factories import CustomerFactory, OrderFactory, TicketFactory

pytestmark = pytest.mark.django_db


def test_figures_per_customer_in_one_statement(django_assert_num_queries):
    a, b = CustomerFactory(), CustomerFactory()
    OrderFactory(customer=a, total_amount=100)
    OrderFactory(customer=a, total_amount=50, status="cancelled")
    TicketFactory(customer=b, kind="complaint")
    TicketFactory(customer=b, kind="consultation")
    with django_assert_num_queries(1):
        rows = customer_stats_rows(customer_ids=[a.pk, b.pk, 10**12], extra_models=[])
    assert set(rows) == {a.pk, b.pk}  # an unknown id has no row
    assert rows[a.pk]["orders"] == 2 and rows[a.pk]["spend"] == "100.00" and rows[a.pk]["last_order_at"]
    assert rows[a.pk]["tickets"] == 0 and rows[a.pk]["last_contact_at"] is None
    assert rows[b.pk]["tickets"] == 2 and rows[b.pk]["complaints"] == 1 and rows[b.pk]["spend"] == "0"
    assert rows[b.pk]["returns"] == 0 and rows[b.pk]["average_satisfaction"] is None


def test_returns_are_counted_and_surveys_averaged_from_the_extra_models():
    customer = CustomerFactory()
    order = OrderFactory(customer=customer)
    ReturnRequest.objects.create(number="R-SQL-1", order=order, customer=customer, reason="quality")
    survey = Survey.objects.create(customer=customer, expires_at=order.placed_at)
    SurveyResponse.objects.create(survey=survey, customer=customer, overall=4, score=Decimal("4.25"))
    extra = [(SurveyResponse, "customer"), (ReturnRequest, "customer")]  # any order
    figures = customer_stats_rows(customer_ids=[customer.pk], extra_models=extra)[customer.pk]
    assert figures["returns"] == 1 and figures["average_satisfaction"] == 4.25
