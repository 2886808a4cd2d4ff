import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import Review, ReviewEvent, ReviewRevision
from reviews import services
from sla.models import TicketSLA
from tests.factories import OrderFactory, TicketFactory, UserFactory
from tests.reviews.conftest import review_data

pytestmark = pytest.mark.django_db


def review_receive(*, data, source):
    """Receive a review as the serializers hand it over: with its time read."""
    if isinstance(data["reviewed_at"], str):
        data = {**data, "reviewed_at": dt.datetime.fromisoformat(data["reviewed_at"])}
    return services.review_receive(data=data, source=source)


def test_a_signed_review_is_stored_with_its_order_and_customer(post_signed):
    order = OrderFactory(number="DD-REVIEW-1", shop="旗舰店")
    response = post_signed({"id": "ev-1", "review": review_data(order_number="DD-REVIEW-1", sku="SKU-TEA-001",
                                                                 images=["https://img.example.com/1.jpg"])})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "created"
    review = Review.objects.get()
    assert (review.order, review.customer, review.sku, review.rating) == (order, order.customer, "SKU-TEA-001", 5)
    assert review.images == ["https://img.example.com/1.jpg"]
    assert review.source == "webhook"
    assert list(review.events.values_list("kind", flat=True)) == [ReviewEvent.Kind.RECEIVED]


def test_a_wrong_signature_is_refused_and_nothing_is_stored(post_signed):
    response = post_signed({"review": review_data()}, secret="not-the-secret")
    assert response.status_code == 401
    assert not Review.objects.exists()


def test_a_stale_timestamp_is_refused(post_signed):
    response = post_signed({"review": review_data()}, timestamp=int(timezone.now().timestamp()) - 3600)
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_a_bad_rating_is_a_field_error(post_signed):
    response = post_signed({"review": review_data(rating=6)})
    assert response.status_code == 400
    assert "rating" in response.json()["review"]


def test_the_same_review_twice_is_stored_once(post_signed):
    data = review_data()
    assert post_signed({"review": data}).json()["status"] == "created"
    assert post_signed({"review": data}).json()["status"] == "duplicate"
    assert Review.objects.count() == 1
    assert ReviewEvent.objects.count() == 1


def test_the_same_review_id_in_another_shop_is_another_review(post_signed):
    post_signed({"review": review_data()})
    post_signed({"review": review_data(shop="另一店")})
    assert Review.objects.count() == 2


def test_a_revised_rating_updates_the_review_and_keeps_the_earlier_version(post_signed):
    first = timezone.now() - dt.timedelta(hours=5)
    post_signed({"review": review_data(rating=3, text="一般", reviewed_at=first.isoformat())})
    response = post_signed({"review": review_data(rating=4, text="客服处理后还行")})
    assert response.json()["status"] == "revised"
    review = Review.objects.get()
    assert (review.rating, review.text) == (4, "客服处理后还行")
    assert list(ReviewRevision.objects.values_list("rating", "text")) == [(3, "一般")]
    assert review.events.filter(kind=ReviewEvent.Kind.REVISED, from_value="3", to_value="4").exists()


def test_an_older_version_arriving_late_changes_nothing(post_signed):
    post_signed({"review": review_data(rating=4)})
    late = (timezone.now() - dt.timedelta(days=2)).isoformat()
    assert post_signed({"review": review_data(rating=1, reviewed_at=late)}).json()["status"] == "duplicate"
    assert Review.objects.get().rating == 4


def test_a_low_review_opens_one_complaint_ticket_for_after_sales_with_the_review_quoted(aftersales):
    order = OrderFactory(number="DD-BAD-1")
    review, _c, _ch = review_receive(data=review_data(rating=1, text="质量太差\n不会再买", order_number="DD-BAD-1",
                                                      reviewed_at=timezone.now()), source="api")
    ticket = review.ticket
    assert ticket is not None
    assert (ticket.kind, ticket.team, ticket.order, ticket.customer) == ("complaint", aftersales, order, order.customer)
    assert ticket.category.code == "bad-review" and ticket.category.name == "差评"
    assert "质量太差" in ticket.description and "<blockquote>" in ticket.description
    assert TicketSLA.objects.get(ticket=ticket).policy.name == "差评 Negative reviews"
    # Still low after a revision: the same ticket, no second one.
    review_receive(data=review_data(rating=2, text="还是差", order_number="DD-BAD-1", reviewed_at=timezone.now()),
                   source="api")
    review.refresh_from_db()
    assert review.ticket == ticket
    assert type(ticket).objects.filter(order=order).count() == 1


def test_a_revision_above_the_threshold_records_customer_revised(aftersales):
    OrderFactory(number="DD-BAD-2")
    review, _c, _ch = review_receive(data=review_data(rating=2, order_number="DD-BAD-2",
                                                      reviewed_at=timezone.now() - dt.timedelta(hours=2)), source="api")
    review_receive(data=review_data(rating=5, order_number="DD-BAD-2"), source="api")
    review.refresh_from_db()
    assert review.outcome == Review.Outcome.REVISED
    assert review.events.filter(kind=ReviewEvent.Kind.OUTCOME, to_value="revised").exists()


def test_a_good_review_or_one_without_an_order_opens_no_ticket(aftersales):
    OrderFactory(number="DD-GOOD")
    good, _c, _ch = review_receive(data=review_data(rating=3, order_number="DD-GOOD"), source="api")
    orphan, _c, _ch = review_receive(data=review_data(platform_review_id="RV-2", rating=1, order_number="DD-NONE"),
                                     source="api")
    assert good.ticket is None and orphan.ticket is None
    assert orphan.order is None and orphan.order_number == "DD-NONE"


def test_the_agent_of_the_orders_last_ticket_before_the_review_is_attributed(team):
    first, last, later = (UserFactory(username=f"attr-{n}") for n in range(3))
    order = OrderFactory(number="DD-ATTR")
    now = timezone.now()
    for agent, hours_ago in ((first, 10), (last, 5), (later, 1)):
        ticket = TicketFactory(order=order, customer=order.customer, team=team, assignee=agent)
        type(ticket).objects.filter(pk=ticket.pk).update(created_at=now - dt.timedelta(hours=hours_ago))
    review, _c, _ch = review_receive(data=review_data(rating=5, order_number="DD-ATTR",
                                                      reviewed_at=(now - dt.timedelta(hours=3)).isoformat()), source="api")
    assert (review.agent, review.team) == (last, team)


def test_integrations_post_reviews_and_agents_record_the_outcome_by_api(api, admin_user, manager, aftersales):
    OrderFactory(number="DD-API")
    response = api(admin_user).post("/api/v1/reviews/", review_data(rating=1, order_number="DD-API"), format="json")
    assert response.status_code == 201, response.content
    again = api(admin_user).post("/api/v1/reviews/", review_data(rating=1, order_number="DD-API"), format="json")
    assert again.status_code == 200 and again.json()["id"] == response.json()["id"]
    review_id = response.json()["id"]
    outcome = api(manager).post(f"/api/v1/reviews/{review_id}/outcome/", {"outcome": "appealed", "note": "平台申诉"},
                                format="json")
    assert outcome.status_code == 200 and outcome.json()["outcome"] == "appealed"
    assert ReviewEvent.objects.filter(review_id=review_id, kind="outcome", to_value="appealed", actor=manager).exists()
    assert api(manager).post(f"/api/v1/reviews/{review_id}/outcome/", {"outcome": "bogus"},
                             format="json").status_code == 400
    listed = api(manager).get("/api/v1/reviews/", {"shop": "旗舰店", "rating_max": 2})
    assert [row["id"] for row in listed.json()["results"]] == [review_id]


def test_the_queue_lists_low_reviews_filtered_by_outcome(client_for, manager, aftersales):
    OrderFactory(number="DD-Q1")
    OrderFactory(number="DD-Q2")
    low, _c, _ch = review_receive(data=review_data(rating=1, order_number="DD-Q1", text="破损"), source="api")
    review_receive(data=review_data(platform_review_id="RV-2", rating=5, order_number="DD-Q2", text="满意"), source="api")
    page = client_for(manager).get("/reviews/low/")
    assert "破损" in page.content.decode() and "满意" not in page.content.decode()
    assert low.ticket.number in page.content.decode()
    assert "破损" not in client_for(manager).get("/reviews/low/", {"outcome": "resolved"}).content.decode()
    client_for(manager).post(f"/reviews/{low.pk}/", {"outcome": "resolved"})
    assert "破损" in client_for(manager).get("/reviews/low/", {"outcome": "resolved"}).content.decode()


def test_reviews_are_on_the_customers_timeline(client_for, manager):
    order = OrderFactory(number="DD-TL")
    review_receive(data=review_data(rating=4, order_number="DD-TL", text="物流很快"), source="api")
    page = client_for(manager).get(f"/customers/{order.customer.pk}/")
    assert "物流很快" in page.content.decode()


def test_reviews_are_on_their_orders_page(client_for, manager):
    order = OrderFactory(number="DD-PAGE")
    review_receive(data=review_data(rating=5, order_number="DD-PAGE", text="包装很用心"), source="api")
    page = client_for(manager).get(f"/orders/{order.pk}/")
    assert "包装很用心" in page.content.decode()


def test_a_csv_of_reviews_is_imported_row_by_row(api, admin_user, aftersales):
    from django.core.files.uploadedfile import SimpleUploadedFile

    OrderFactory(number="DD-CSV-1")
    review_receive(data=review_data(platform_review_id="CSV-OLD", rating=4, text="不错"), source="api")
    csv = ("shop,platform_review_id,order_number,sku,rating,text,images,reviewed_at\n"
           "旗舰店,CSV-1,DD-CSV-1,SKU-1,1,太差了,https://img.example.com/a.jpg https://img.example.com/b.jpg,"
           "2026-11-20T10:00:00+08:00\n"
           "旗舰店,CSV-2,,,9,评分错了,,2026-11-20T10:00:00+08:00\n"
           f"旗舰店,CSV-OLD,,,4,不错,,{timezone.now().isoformat()}\n").encode()
    response = api(admin_user).post("/api/v1/reviews/import/", {"file": SimpleUploadedFile("reviews.csv", csv)},
                                    format="multipart")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["revised"], body["unchanged"]) == (1, 0, 1)
    assert body["refused"][0]["row"] == 3 and "rating" in body["refused"][0]["errors"]
    imported = Review.objects.get(platform_review_id="CSV-1")
    assert imported.images == ["https://img.example.com/a.jpg", "https://img.example.com/b.jpg"]
    assert imported.ticket is not None and imported.source == "import"


def test_an_import_without_the_required_columns_is_refused(api, admin_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = api(admin_user).post("/api/v1/reviews/import/",
                                    {"file": SimpleUploadedFile("reviews.csv", b"shop,rating\nA,5\n")}, format="multipart")
    assert response.status_code == 400
    assert not Review.objects.exists()


def test_the_agent_records_the_outcome_from_the_panel_on_the_tickets_page(client_for, manager, aftersales):
    OrderFactory(number="DD-PANEL")
    review, _c, _ch = review_receive(data=review_data(rating=1, order_number="DD-PANEL", text="漏发配件"), source="api")
    client = client_for(manager)
    ticket_url = f"/tickets/{review.ticket_id}/"
    page = client.get(ticket_url).content.decode()
    assert 'data-testid="ticket-review"' in page and "漏发配件" in page
    response = client.post(f"/reviews/{review.pk}/", {"outcome": "contacted", "next": ticket_url})
    assert response.status_code == 302 and response["Location"] == ticket_url
    review.refresh_from_db()
    assert review.outcome == "contacted"
    elsewhere = client.post(f"/reviews/{review.pk}/", {"outcome": "resolved", "next": "https://evil.example.com/"})
    assert elsewhere["Location"] == f"/reviews/{review.pk}/"


@pytest.mark.parametrize("query", [{"rating_min": "abc"}, {"rating_max": "9"}, {"outcome": "bogus"},
                                   {"reviewed_after": "yesterday"}, {"after": "garbage_x"}])
def test_bad_filters_never_break_the_pages_or_the_api(client_for, api, manager, query):
    assert client_for(manager).get("/reviews/low/", query).status_code in (200, 400)
    assert client_for(manager).get("/reviews/", query).status_code in (200, 400)
    assert api(manager).get("/api/v1/reviews/", query).status_code in (200, 400)
