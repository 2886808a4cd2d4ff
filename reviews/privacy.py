"""What a customer wrote in their reviews: exported and erased with the customer's archive (PIPL)."""

from reviews.models import Review, ReviewRevision
from tickets.privacy import REDACTED_BODY


def customer_reviews_export(customer) -> list[dict]:
    """Return every review of the customer with its earlier versions, in clear, for a personal-information export."""
    return [
        {"shop": review.shop, "order_number": review.order_number, "sku": review.sku, "rating": review.rating,
         "text": review.text, "images": review.images, "reviewed_at": review.reviewed_at.isoformat(),
         "earlier_versions": [{"rating": revision.rating, "text": revision.text,
                               "reviewed_at": revision.reviewed_at.isoformat()} for revision in review.revisions.all()]}
        for review in Review.objects.filter(customer=customer).prefetch_related("revisions").order_by("reviewed_at", "pk")
    ]


def review_customer_content_erase(*, customer_id: int, actor=None) -> dict[str, int]:
    """Replace the customer's review texts (and earlier versions) by the erasure notice and drop their images.

    Runs inside the anonymization's transaction; shop, order number, SKU, rating and times stay, so the
    review KPIs keep counting.
    """
    review_ids = list(Review.objects.select_for_update().filter(customer_id=customer_id).values_list("pk", flat=True))
    if not review_ids:
        return {"reviews": 0}
    Review.objects.filter(pk__in=review_ids).exclude(text="").exclude(text=REDACTED_BODY).update(text=REDACTED_BODY)
    Review.objects.filter(pk__in=review_ids).exclude(images=[]).update(images=[])
    ReviewRevision.objects.filter(review_id__in=review_ids).exclude(text="").update(text=REDACTED_BODY)
    return {"reviews": len(review_ids)}
