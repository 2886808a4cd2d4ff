"""Personal data in quality inspections (质检): what an inspector wrote about a customer's conversation, erased with the archive (PIPL)."""

from kpi.models import QualityInspection
from tickets.privacy import stored_texts_mask


def quality_inspection_customer_content_erase(*, customer_id: int, actor=None) -> dict[str, int]:
    """Store the comments on the customer's inspected conversations with the personal data in them masked.

    Runs inside the anonymization's transaction; scores and times stay for the agents' scorecards.
    """
    comments = QualityInspection.objects.filter(ticket__customer_id=customer_id).exclude(comment="")
    return {"inspection_comments": stored_texts_mask(comments, "comment")}
