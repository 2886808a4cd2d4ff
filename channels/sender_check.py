"""Whether the receiving gateway vouched for an inbound mail's sender: its Authentication-Results (RFC 8601)."""

import re

from django.conf import settings

_RESULT = re.compile(r"(?:^|;)\s*(dmarc|spf)\s*=\s*([a-z]+)", re.IGNORECASE)


def email_sender_unverified(message) -> str:
    """Return why the sender failed DMARC (or SPF without a DMARC result) at our gateway, or "" when it did not.

    Only results written by a gateway named in ``EMAIL_AUTHSERV_IDS`` count: anyone can put an
    Authentication-Results header in a mail, and none is trusted when the setting is empty.
    """
    trusted = set(settings.EMAIL_AUTHSERV_IDS)
    if not trusted:
        return ""
    results = {}
    for value in message.get_all("Authentication-Results") or []:
        head, _sep, rest = str(value).partition(";")
        if (head.split() or [""])[0].lower() not in trusted:
            continue
        for method, result in _RESULT.findall(";" + rest):
            results.setdefault(method.lower(), result.lower())
    if results.get("dmarc") == "fail":
        return "DMARC fail"
    if "dmarc" not in results and results.get("spf") == "fail":
        return "SPF fail"
    return ""
