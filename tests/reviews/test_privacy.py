"""What a customer wrote in reviews: in their personal-information export, erased with their archive."""

import pytest

from customers.selectors import customer_everything
from customers.services import customer_anonymize
from reviews.models import Review, ReviewRevision
from tests.factories import OrderFactory
from tests.reviews.test_intake import review_receive
from tests.reviews.conftest import review_data
from tickets.privacy import REDACTED_BODY

pytestmark = pytest.mark.django_db


@pytest.fixture
def revised_review():
    order = OrderFactory(number="DD-PRIV-1")
    review_receive(data=review_data(order_number="DD-PRIV-1", rating=3, text="一般，电话13912345678",
                                    reviewed_at="2026-11-01T10:00:00+08:00"), source="api")
    review_receive(data=review_data(order_number="DD-PRIV-1", rating=4, text="客服处理后还行",
                                    images=["https://img.example.com/1.jpg"], reviewed_at="2026-11-02T10:00:00+08:00"),
                   source="api")
    return order


def test_the_export_has_each_review_with_its_earlier_versions(revised_review):
    section = customer_everything(customer=revised_review.customer)["shop_reviews"]
    assert [(r["rating"], r["text"], r["images"]) for r in section] == [(4, "客服处理后还行", ["https://img.example.com/1.jpg"])]
    assert [(v["rating"], v["text"]) for v in section[0]["earlier_versions"]] == [(3, "一般，电话13912345678")]


def test_anonymizing_the_customer_erases_review_texts_and_images_but_keeps_the_rating(manager, revised_review):
    customer_anonymize(actor=manager, customer=revised_review.customer, reason="PIPL request")
    review = Review.objects.get()
    assert (review.rating, review.text, review.images, review.shop) == (4, REDACTED_BODY, [], "旗舰店")
    assert list(ReviewRevision.objects.values_list("rating", "text")) == [(3, REDACTED_BODY)]
