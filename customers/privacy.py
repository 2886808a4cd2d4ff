"""Masking of customer personal data (客户资料保密): what an agent may see of a phone, e-mail or address."""

import re

PII_PERMISSION = "customers.view_pii"


def mask_phone(phone: str) -> str:
    """Return 138****8000 for 13800138000: keep the first three and last four digits."""
    if not phone:
        return ""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]  # +86 mainland mobile: mask the national number
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) <= 7:
        return digits[:1] + "*" * (len(digits) - 3) + digits[-2:]
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def mask_email(email: str) -> str:
    """Return z***@example.com: the first letter of the local part, then the domain."""
    if not email or "@" not in email:
        return "***" if email else ""
    local, domain = email.rsplit("@", 1)
    return f"{local[:1]}***@{domain}"


def mask_address(address: str) -> str:
    """Return the address with everything after its first six characters masked."""
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else "****"


def may_view_pii(viewer) -> bool:
    """Return whether the viewer sees personal data in clear (supervisors and up)."""
    return bool(viewer and viewer.is_authenticated and viewer.has_perm(PII_PERMISSION))


def may_change_directly(viewer) -> bool:
    """Return whether the viewer changes an archive's master data directly (supervisors and up).

    Changing contacts needs permission to see them; everyone else proposes the change for archive
    review (建档评审). The edit page and the API both ask this.
    """
    return may_view_pii(viewer) and viewer.has_perm("customers.change_customer")


PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def mask_text(text: str) -> str:
    """Return free text (a message, a note) with mobile numbers and e-mail addresses in it masked."""
    if not text:
        return ""
    text = PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
    return EMAIL_IN_TEXT.sub(lambda m: mask_email(m.group(0)), text)
