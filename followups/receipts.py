"""Delivery receipts (状态报告) of the SMS providers: checked, then read into one shape.

Alibaba Cloud (SmsReport, HTTP batch push) and Tencent Cloud (短信下发状态通知) post a JSON array and sign
nothing: their receiving address carries a secret token (``?token=…``, ``SMS_ALIBABA_CALLBACK_TOKEN`` /
``SMS_TENCENT_CALLBACK_TOKEN``). The HTTP gateway signs its body like its requests (HMAC-SHA256 over
"<timestamp>." + body with ``SMS_GATEWAY_SECRET``). Formats in docs/notices.md.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass

from django.conf import settings

from orders.shop_sync import WebhookRejected, webhook_signature_check

class ReceiptRejected(Exception):
    """A callback that is not signed right (403) or not a receipt (400); the text says why."""

    def __init__(self, reason: str, status: int):
        super().__init__(reason)
        self.status = status


@dataclass(frozen=True)
class Receipt:
    """One message's delivery report: the provider's id, delivered or not, the provider's code and reason."""

    provider_id: str
    is_delivered: bool
    code: str = ""
    reason: str = ""


def _token_check(expected: str, given: str) -> None:
    if not expected:
        raise ReceiptRejected("the callback token of this provider is not configured", 403)
    if not given or not hmac.compare_digest(expected.encode(), given.encode()):
        raise ReceiptRejected("missing or wrong token", 403)


def _items(body: bytes) -> list[dict]:
    try:
        data = json.loads(body or b"null")
    except ValueError:
        raise ReceiptRejected("the body is not JSON", 400) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data or not all(isinstance(item, dict) for item in data):
        raise ReceiptRejected("the body must be a non-empty JSON array of reports", 400)
    return data


def _text(item: dict, key: str, *, required: bool = False) -> str:
    value = item.get(key)
    if value is None or isinstance(value, (dict, list)):
        if required:
            raise ReceiptRejected(f"a report needs “{key}”", 400)
        return ""
    text = str(value).strip()
    if required and not text:
        raise ReceiptRejected(f"a report needs “{key}”", 400)
    return text[:500]


def _by_status(items: list[dict], *, id_key: str, status_key: str, delivered: str, failed: str, code_key: str,
               reason_key: str) -> list[Receipt]:
    """Return the receipts of reports whose status field says ``delivered`` or ``failed`` (any case)."""
    receipts = []
    for item in items:
        status = _text(item, status_key, required=True).lower()
        if status not in (delivered.lower(), failed.lower()):
            raise ReceiptRejected(f"“{status_key}” is {delivered} or {failed}", 400)
        receipts.append(Receipt(_text(item, id_key, required=True), status == delivered.lower(), _text(item, code_key),
                                _text(item, reason_key)))
    return receipts


def alibaba_receipts(*, token: str, body: bytes) -> list[Receipt]:
    """Return the receipts of an Alibaba SmsReport push: ``biz_id``, ``success``, ``err_code``, ``err_msg``."""
    _token_check(settings.SMS_ALIBABA_CALLBACK_TOKEN, token)
    receipts = []
    for item in _items(body):
        success = item.get("success")
        if not isinstance(success, bool):
            raise ReceiptRejected("a report needs “success” (true or false)", 400)
        receipts.append(Receipt(_text(item, "biz_id", required=True), success, _text(item, "err_code"),
                                _text(item, "err_msg")))
    return receipts


def tencent_receipts(*, token: str, body: bytes) -> list[Receipt]:
    """Return the receipts of a Tencent status callback: ``sid``, ``report_status``, ``errmsg``, ``description``."""
    _token_check(settings.SMS_TENCENT_CALLBACK_TOKEN, token)
    return _by_status(_items(body), id_key="sid", status_key="report_status", delivered="SUCCESS", failed="FAIL",
                      code_key="errmsg", reason_key="description")


def gateway_receipts(*, timestamp: str, signature: str, body: bytes, now: float | None = None) -> list[Receipt]:
    """Return the receipts of a signed gateway callback: ``id``, ``status`` delivered / failed, ``code``, ``reason``."""
    try:
        webhook_signature_check(secret=settings.SMS_GATEWAY_SECRET, timestamp=timestamp, signature=signature, body=body,
                                now=now)
    except WebhookRejected as exc:
        # A forged receipt is refused as forbidden (403), a stale or malformed one as bad (400).
        raise ReceiptRejected(str(exc), 403 if exc.status_code == 401 else exc.status_code) from None
    return _by_status(_items(body), id_key="id", status_key="status", delivered="delivered", failed="failed",
                      code_key="code", reason_key="reason")
