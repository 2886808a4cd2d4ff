"""Delivery receipts (状态报告) of the SMS providers: checked, then read into one shape.

Alibaba Cloud (SmsReport, HTTP batch push) and Tencent Cloud (短信下发状态通知) post a JSON array and sign
nothing: their receiving address carries a secret token (``?token=…``, ``SMS_ALIBABA_CALLBACK_TOKEN`` /
``SMS_TENCENT_CALLBACK_TOKEN``). The HTTP gateway signs its body like its requests (HMAC-SHA256 over
"<timestamp>." + body with ``SMS_GATEWAY_SECRET``). Formats in docs/notices.md.
"""

from __future__ import annotations

import hmac
import json
import time
from dataclasses import dataclass

from django.conf import settings

from orders.shop_sync import webhook_signature

TOLERANCE_SECONDS = 300


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
    receipts = []
    for item in _items(body):
        status = _text(item, "report_status", required=True).upper()
        if status not in ("SUCCESS", "FAIL"):
            raise ReceiptRejected("“report_status” is SUCCESS or FAIL", 400)
        receipts.append(Receipt(_text(item, "sid", required=True), status == "SUCCESS", _text(item, "errmsg"),
                                _text(item, "description")))
    return receipts


def gateway_receipts(*, timestamp: str, signature: str, body: bytes, now: float | None = None) -> list[Receipt]:
    """Return the receipts of a signed gateway callback: ``id``, ``status`` delivered / failed, ``code``, ``reason``."""
    secret = settings.SMS_GATEWAY_SECRET
    if not secret:
        raise ReceiptRejected("the gateway secret is not configured", 403)
    if not signature or not hmac.compare_digest(webhook_signature(secret, timestamp or "", body), signature):
        raise ReceiptRejected("missing or wrong signature", 403)
    try:
        sent = int(timestamp)
    except (TypeError, ValueError):
        raise ReceiptRejected("bad timestamp", 400) from None
    if abs((now or time.time()) - sent) > TOLERANCE_SECONDS:
        raise ReceiptRejected("stale timestamp", 400)
    receipts = []
    for item in _items(body):
        status = _text(item, "status", required=True).lower()
        if status not in ("delivered", "failed"):
            raise ReceiptRejected("“status” is delivered or failed", 400)
        receipts.append(Receipt(_text(item, "id", required=True), status == "delivered", _text(item, "code"),
                                _text(item, "reason")))
    return receipts
