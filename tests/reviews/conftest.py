import datetime as dt
import json

import pytest
from django.utils import timezone

from helpdesk.models import Team
from orders.shop_sync import webhook_signature

WEBHOOK_SECRET = "reviews-test-secret"
WEBHOOK_URL = "/api/v1/webhooks/reviews/"


@pytest.fixture(autouse=True)
def review_settings(settings):
    settings.REVIEWS_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.REVIEWS_LOW_RATING = 2
    settings.REVIEWS_TEAM = "aftersales"


@pytest.fixture
def aftersales(db):
    """The after-sales team the shipped routing rules made (售后)."""
    return Team.objects.get(code="aftersales")


@pytest.fixture
def post_signed(client):
    """Return a function that posts a review event to the webhook, signed with ``secret``."""

    def send(event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
        body = json.dumps(event).encode()
        stamp = str(timestamp if timestamp is not None else int(timezone.now().timestamp()))
        return client.post(WEBHOOK_URL, body, content_type="application/json",
                           HTTP_X_WEBHOOK_TIMESTAMP=stamp, HTTP_X_WEBHOOK_SIGNATURE=webhook_signature(secret, stamp, body))

    return send


def review_data(**fields) -> dict:
    """Return a review as a shop sends it (a 5★ review of shop 旗舰店 an hour ago unless told)."""
    return {"shop": "旗舰店", "platform_review_id": "RV-1", "rating": 5, "text": "很好",
            "reviewed_at": (timezone.now() - dt.timedelta(hours=1)).isoformat(), **fields}
