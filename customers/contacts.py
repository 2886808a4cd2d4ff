"""Phone numbers and e-mail addresses: validation and the normalized form used for search and duplicates."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")
MAINLAND_LANDLINE = re.compile(r"^0\d{9,11}$")  # area code 0xx/0xxx + 7–8 digit number
PHONE_CHARS = re.compile(r"^\+?[\d\s\-().]+$")
_ATEXT = "-!#$%&'*+/=?^_`{}|~0-9a-z\u0080-\U0010ffff"


class EmailAddressValidator(EmailValidator):
    """Django's e-mail validator with the local parts RFC 5322 and RFC 6531 allow: UTF-8, and spaces when quoted."""

    user_regex = re.compile(
        rf"^[{_ATEXT}]+(\.[{_ATEXT}]+)*\Z"  # dot-atom, UTF-8 included
        r'|^"([ !#-\[\]-~\u0080-\U0010ffff]|\\[\t -~])*"\Z',  # quoted-string
        re.IGNORECASE,
    )

    def __call__(self, value):
        super().__call__(value)
        if len(value.rsplit("@", 1)[0].encode()) > 64:  # RFC 5321: a local part is at most 64 octets
            raise ValidationError(self.message, code=self.code, params={"value": value})


validate_email = EmailAddressValidator()


def phone_normalize(raw: str) -> str:
    """Return the searchable form: 13800138000 for mainland numbers, +<digits> for international ones.

    Accepts spaces, dashes, dots and brackets, a leading + or 00, and the +86 / 0086 prefix.
    Returns "" for something that is not a phone number at all.
    """
    text = (raw or "").strip()
    if not text or not PHONE_CHARS.match(text):
        return ""
    international = text.startswith("+") or text.startswith("00")
    digits = re.sub(r"\D", "", text)
    if text.startswith("00"):
        digits = digits[2:]
    if international:
        if digits.startswith("86"):
            return _trunk_prefix_restore(digits[2:])
        return f"+{digits}"
    if len(digits) == 13 and digits.startswith("861"):
        return digits[2:]
    return digits


def _trunk_prefix_restore(national: str) -> str:
    """Return a mainland number written after +86 in its domestic form: landlines get back the 0 of their area code.

    Area codes start 10, 2x or 3x–9x (+86 10 6234 5678 is 010-62345678); mobiles start 13–19 and keep their form.
    """
    if national.startswith("10") or national[:1] in ("2", "3", "4", "5", "6", "7", "8", "9"):
        return f"0{national}"
    return national


def phone_validate(raw: str, *, mainland_only: bool = False) -> str:
    """Return the normalized phone, or raise ValidationError for an invalid mainland or international number.

    With ``mainland_only`` only mainland mobiles and landlines are valid (+86 / 0086 allowed, other countries not).
    """
    normalized = phone_normalize(raw)
    if normalized.startswith("+"):
        if not mainland_only and 8 <= len(normalized) - 1 <= 15 and normalized[1] != "0":
            return normalized
    elif MAINLAND_MOBILE.match(normalized) or MAINLAND_LANDLINE.match(normalized):
        return normalized
    if mainland_only:
        raise ValidationError(
            _("Enter a valid mainland phone number: a mobile (13800138000) or a landline with area code "
              "(010-12345678), with or without +86."),
            code="invalid_phone",
        )
    raise ValidationError(
        _("Enter a valid phone number: a mainland mobile (13800138000), a landline with area code (010-12345678) "
          "or an international number starting with + and the country code."),
        code="invalid_phone",
    )


def email_normalize(raw: str) -> str:
    """Return the e-mail address trimmed and in lower case."""
    return (raw or "").strip().lower()


def email_validate(raw: str) -> str:
    """Return the normalized e-mail, or raise ValidationError."""
    normalized = email_normalize(raw)
    try:
        validate_email(normalized)
    except ValidationError:
        raise ValidationError(_("Enter a valid e-mail address."), code="invalid_email") from None
    return normalized


def query_normalize(query: str) -> tuple[str, str]:
    """Return (kind, normalized) for a search box text: ("email", …), ("phone", …) or ("text", …)."""
    text = (query or "").strip()
    if "@" in text:
        return "email", email_normalize(text)
    phone = phone_normalize(text)
    if phone and len(phone.lstrip("+")) >= 7:
        return "phone", phone
    return "text", text
