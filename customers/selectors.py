"""Reads of customer archives; personal data leaves here masked unless the viewer may see it."""

from customers.models import Customer
from customers.privacy import mask_email, mask_phone, may_view_pii


def customer_card_for_viewer(*, viewer, customer: Customer) -> dict:
    """Return the customer card shown beside a conversation, masked for the viewer."""
    clear = may_view_pii(viewer)
    return {
        "id": customer.pk,
        "name": customer.name,
        "level": customer.level,
        "level_label": customer.get_level_display(),
        "tags": list(customer.tags or []),
        "city": customer.city,
        "phone": customer.phone if clear else mask_phone(customer.phone),
        "email": customer.email if clear else mask_email(customer.email),
        "is_masked": not clear,
    }
