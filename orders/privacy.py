"""Personal data in returns' text: erased with the customer's archive (PIPL)."""

from orders.models import ReturnDeadline, ReturnEvent, ReturnRequest
from tickets.privacy import REDACTED_BODY, stored_texts_mask


def return_request_customer_content_erase(*, customer_id: int, actor=None) -> dict[str, int]:
    """Erase the customer's return descriptions and contacts; mask the personal data in what agents wrote.

    The descriptions are replaced by the erasure notice and the return contact (name, phone, e-mail)
    is cleared; rejection reasons, inspection notes, timeline notes and extension reasons stay with
    phones, e-mails, identity numbers and addresses masked for good. Runs inside the anonymization's
    transaction; numbers, items, amounts, steps and times stay.
    """
    returns = ReturnRequest.objects.select_for_update().filter(customer_id=customer_id)
    return_ids = list(returns.values_list("pk", flat=True))
    if not return_ids:
        return {"returns": 0}
    rows = ReturnRequest.objects.filter(pk__in=return_ids)
    rows.exclude(description="").exclude(description=REDACTED_BODY).update(description=REDACTED_BODY)
    rows.update(contact_name="", contact_phone="", contact_email="")
    stored_texts_mask(rows.exclude(rejection_reason=""), "rejection_reason")
    stored_texts_mask(rows.exclude(inspection_notes=""), "inspection_notes")
    stored_texts_mask(ReturnEvent.objects.filter(return_request_id__in=return_ids).exclude(note=""), "note")
    stored_texts_mask(ReturnDeadline.objects.filter(return_request_id__in=return_ids).exclude(extension_reason=""),
                      "extension_reason")
    return {"returns": len(return_ids)}
