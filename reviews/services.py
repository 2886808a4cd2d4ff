"""Writes of the reviews: intake (webhook, import, API), revisions, the 差评 ticket and its outcome."""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.html import escape
from django.utils.translation import gettext as _

from helpdesk.models import Team
from helpdesk.upsert import atomic_upsert
from orders.models import Order, ShopTeam
from orders.shop_sync import WebhookRejected, webhook_signature_check
from reviews.models import Review, ReviewEvent, ReviewRevision
from tickets.models import Category, Ticket
from tickets.services import ticket_create

LOW_RATING_CATEGORY = "bad-review"


def low_rating_threshold() -> int:
    """Return the rating at or below which a review is a 差评 (setting ``REVIEWS_LOW_RATING``, default 2)."""
    return int(getattr(settings, "REVIEWS_LOW_RATING", 2))


def _event(review: Review, kind: str, actor=None, *, from_value="", to_value="", note="") -> None:
    ReviewEvent.objects.create(review=review, kind=kind, actor=actor, from_value=str(from_value)[:64],
                               to_value=str(to_value)[:64], note=note)


def _attribution(order: Order | None, reviewed_at) -> tuple[int | None, int | None]:
    """Return (agent id, team id) of the order's last ticket created before the review; (None, None) without one."""
    if order is None:
        return None, None
    last = (Ticket.objects.filter(order=order, created_at__lte=reviewed_at).order_by("-created_at", "-pk")
            .values_list("assignee_id", "team_id").first())
    return last or (None, None)


def review_receive(*, data: dict, source: str, actor=None) -> tuple[Review, bool, bool]:
    """Store a shop review once per (shop, platform review id); return (review, created, changed).

    The same review again changes nothing; a different rating or text is a revision: the earlier version is
    kept as a ``ReviewRevision`` and an event. A review at or below the threshold opens its 差评 ticket once;
    a revision above the threshold of a 差评 records the outcome "customer revised".
    """
    return atomic_upsert(lambda: _review_receive(data=data, source=source, actor=actor))


def _review_receive(*, data: dict, source: str, actor) -> tuple[Review, bool, bool]:
    review = (Review.objects.select_for_update()
              .filter(shop=data["shop"], platform_review_id=data["platform_review_id"]).first())
    if review is None:
        number = data.get("order_number", "")
        order = Order.objects.filter(number=number).first() if number else None
        agent_id, team_id = _attribution(order, data["reviewed_at"])
        review = Review.objects.create(
            shop=data["shop"], platform_review_id=data["platform_review_id"], order_number=number, order=order,
            customer_id=order.customer_id if order else None, sku=data.get("sku", ""), rating=data["rating"],
            text=data.get("text", ""), images=list(data.get("images") or []), reviewed_at=data["reviewed_at"],
            agent_id=agent_id, team_id=team_id, source=source)
        _event(review, ReviewEvent.Kind.RECEIVED, actor, to_value=review.rating, note=source)
        _low_rating_ticket(review)
        return review, True, True
    rating, text = data["rating"], data.get("text", review.text)
    if data["reviewed_at"] < review.reviewed_at or (rating == review.rating and text == review.text):
        return review, False, False  # a repeat, or older than what is stored
    ReviewRevision.objects.create(review=review, rating=review.rating, text=review.text, reviewed_at=review.reviewed_at)
    _event(review, ReviewEvent.Kind.REVISED, actor, from_value=review.rating, to_value=rating, note=source)
    was_low = review.rating <= low_rating_threshold()
    review.rating, review.text, review.reviewed_at = rating, text, data["reviewed_at"]
    fields = ["rating", "text", "reviewed_at", "updated_at"]
    if "images" in data:
        review.images = list(data["images"] or [])
        fields.append("images")
    if was_low and rating > low_rating_threshold() and review.outcome != Review.Outcome.REVISED:
        _event(review, ReviewEvent.Kind.OUTCOME, actor, from_value=review.outcome, to_value=Review.Outcome.REVISED,
               note=_("The customer revised the rating to %(rating)s.") % {"rating": rating})
        review.outcome = Review.Outcome.REVISED
        fields.append("outcome")
    review.save(update_fields=fields)
    _low_rating_ticket(review)
    return review, False, True


def _ticket_team(review: Review) -> Team:
    """Return the after-sales team (setting ``REVIEWS_TEAM``), else a team serving the shop, else the first team."""
    team = Team.objects.filter(code=getattr(settings, "REVIEWS_TEAM", "aftersales"), is_active=True).first()
    if team is None:
        serving = ShopTeam.objects.filter(shop=review.shop, team__is_active=True).values_list("team_id", flat=True)
        team = Team.objects.filter(pk__in=list(serving)).order_by("pk").first()
    team = team or Team.objects.filter(is_active=True).order_by("pk").first()
    if team is None:
        raise ValidationError({"team": [_("No team can take the ticket.")]})
    return team


def _low_rating_ticket(review: Review) -> Ticket | None:
    """Open the review's 差评 ticket once, when its rating is at or below the threshold and it has a customer."""
    if review.ticket_id or review.rating > low_rating_threshold() or review.customer_id is None:
        return None
    quoted = "".join(f"<p>{escape(line)}</p>" for line in review.text.splitlines() if line.strip())
    subject = _("差评 %(rating)s★ on %(shop)s, order %(order)s") % {
        "rating": review.rating, "shop": review.shop, "order": review.order_number or "-"}
    heading = _("Review %(id)s, SKU %(sku)s:") % {"id": review.platform_review_id, "sku": review.sku or "-"}
    description = f"<p>{escape(heading)}</p><blockquote>{quoted}</blockquote>"
    ticket = ticket_create(actor=None, customer=review.customer, team=_ticket_team(review), subject=subject[:200],
                           description=description, kind=Ticket.Kind.COMPLAINT, channel=Ticket.Channel.MARKETPLACE,
                           category=Category.objects.filter(code=LOW_RATING_CATEGORY).first(), order=review.order)
    review.ticket = ticket
    review.save(update_fields=["ticket", "updated_at"])
    _event(review, ReviewEvent.Kind.TICKET, None, to_value=ticket.number)
    return ticket


@transaction.atomic
def review_outcome_record(*, review: Review, actor, outcome: str, note: str = "") -> Review:
    """Record what came of a 差评 (contacted, resolved, customer revised, appealed to the platform)."""
    if outcome not in Review.Outcome.values or outcome == Review.Outcome.NONE:
        raise ValidationError({"outcome": [_("Choose an outcome.")]})
    review = Review.objects.select_for_update().get(pk=review.pk)
    if review.outcome == outcome and not note:
        return review
    _event(review, ReviewEvent.Kind.OUTCOME, actor, from_value=review.outcome, to_value=outcome, note=note)
    review.outcome = outcome
    review.save(update_fields=["outcome", "updated_at"])
    return review


def review_webhook_verify(*, timestamp: str, signature: str, body: bytes) -> dict:
    """Return the decoded review event when signed like the shop's order webhook; raise WebhookRejected otherwise."""
    secret = getattr(settings, "REVIEWS_WEBHOOK_SECRET", "") or settings.ORDER_WEBHOOK_SECRET
    webhook_signature_check(secret=secret, timestamp=timestamp, signature=signature, body=body)
    try:
        event = json.loads(body)
    except ValueError:
        raise WebhookRejected("body is not JSON", 400) from None
    if not isinstance(event, dict) or not isinstance(event.get("review"), dict):
        raise WebhookRejected("an event needs a review", 400)
    return event
