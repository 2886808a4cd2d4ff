"""Reads of the reviews: the viewer's reviews, a review's history, the timeline source and the KPI sums."""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orders.selectors import order_scope_q
from reviews.models import Review, ReviewEvent, ReviewRevision
from reviews.services import low_rating_threshold
from sla.models import TicketSLATimer

TIMELINE_MODELS = {"reviews.review"}


def review_list_for_user(*, user) -> QuerySet[Review]:
    """Return the reviews the user may see: holders of reviews.view_review, for orders in their scope.

    Reviews without a known order are seen by those who see every order (managers and up).
    """
    if not (user and user.is_authenticated and user.has_perm("reviews.view_review")):
        return Review.objects.none()
    reviews = Review.objects.select_related("ticket", "agent", "team", "order")
    scope = order_scope_q(user=user, prefix="order__") if user.has_perm("orders.view_order") else Q(pk__in=[])
    return reviews if scope is None else reviews.filter(scope, order__isnull=False)


def review_low_list_for_user(*, user) -> QuerySet[Review]:
    """Return the viewer's 差评 (rating at or below the threshold, or a 差评 revised since), newest first."""
    return (review_list_for_user(user=user)
            .filter(Q(rating__lte=low_rating_threshold()) | Q(ticket__isnull=False))
            .order_by("-reviewed_at", "-pk"))


def review_history(review: Review) -> tuple[list[ReviewEvent], list[ReviewRevision]]:
    """Return a review's events and earlier versions, oldest first."""
    return (list(review.events.select_related("actor").order_by("created_at", "pk")),
            list(review.revisions.order_by("replaced_at", "pk")))


def review_for_ticket(*, ticket, user) -> Review | None:
    """Return the review behind a 差评 ticket, when the user may see it."""
    return review_list_for_user(user=user).filter(ticket=ticket).first()


def customer_timeline_sources(*, customer, text, viewer):
    """Yield the customer's reviews for the timeline, as far as the viewer may see them."""
    reviews = Review.objects.filter(customer=customer)
    visible = review_list_for_user(user=viewer).filter(customer=customer)
    yield ("review", _("Review"), reviews, visible, "reviewed_at",
           lambda r: (f"{r.shop} · {r.rating}★ · {r.sku}", text(r.text[:200]),
                      r.get_outcome_display() if r.outcome else ""))


def order_reviews_section(*, order, viewer):
    """Return the order page's section of its reviews the viewer may see, or None without any."""
    rows = list(review_list_for_user(user=viewer).filter(order=order).order_by("-reviewed_at", "-pk")[:20])
    if not rows:
        return None
    return (_("Reviews"), [(f"{r.rating}★ · {r.sku} · {timezone.localtime(r.reviewed_at):%Y-%m-%d}",
                            f"{r.text[:120]}{' · ' + r.get_outcome_display() if r.outcome else ''}",
                            reverse("reviews:detail", args=[r.pk])) for r in rows])


def _in_time() -> Exists:
    timers = TicketSLATimer.objects.filter(ticket_id=OuterRef("ticket_id"),
                                           target=TicketSLATimer.Target.FIRST_RESPONSE)
    return Exists(timers.filter(met_at__isnull=False, first_breached_at__isnull=True, is_excused=False))


def _timed() -> Exists:
    timers = TicketSLATimer.objects.filter(ticket_id=OuterRef("ticket_id"),
                                           target=TicketSLATimer.Target.FIRST_RESPONSE, is_excused=False)
    return Exists(timers.filter(Q(met_at__isnull=False) | Q(first_breached_at__isnull=False)))


def review_rollup_sums() -> dict:
    """Return the aggregates a daily review rollup holds: reviews per rating, 差评 tickets timed and in time."""
    return {**{f"rated_{n}": Count("pk", filter=Q(rating=n)) for n in range(1, 6)},
            "low_timed": Count("pk", filter=Q(ticket__isnull=False) & Q(_timed())),
            "low_in_time": Count("pk", filter=Q(ticket__isnull=False) & Q(_in_time()))}


def review_kpi_totals_from_ratings(sums: dict) -> dict:
    """Return the review metrics' counts (as ``review_kpi_totals``) from per-rating sums like a rollup's."""
    ratings = {n: sums.get(f"rated_{n}") or 0 for n in range(1, 6)}
    return {"reviews": sum(ratings.values()), "positive": ratings[4] + ratings[5],
            "negative": sum(count for n, count in ratings.items() if n <= low_rating_threshold()),
            "low_timed": sums.get("low_timed") or 0, "low_in_time": sums.get("low_in_time") or 0}


def review_kpi_totals(reviews: QuerySet[Review]) -> dict:
    """Return in one query the counts of the review metrics: all, positive (≥4), low (≤ threshold), 差评 timed and in time."""
    low = Q(rating__lte=low_rating_threshold())
    return reviews.aggregate(
        reviews=Count("pk"), positive=Count("pk", filter=Q(rating__gte=4)), negative=Count("pk", filter=low),
        low_timed=Count("pk", filter=Q(ticket__isnull=False) & Q(_timed())),
        low_in_time=Count("pk", filter=Q(ticket__isnull=False) & Q(_in_time())))


# What a breakdown groups by: (the grouped column, the column naming the group).
BREAKDOWN_COLUMNS = {"shop": ("shop", "shop"), "sku": ("sku", "sku"), "team": ("team_id", "team__name"),
                     "agent": ("agent_id", "agent__username")}


def review_kpi_breakdown(reviews: QuerySet[Review], *, by: str, offset: int = 0,
                         limit: int | None = None) -> list[dict]:
    """Return 好评率 and 差评率 grouped by shop, SKU, team or agent, largest groups first, in one query.

    Each row: ``key`` (the group's name, "-" for none), ``value`` (what the review list filters on: the shop,
    the SKU, the team or agent id, "none" for reviews attributed to nobody, "" for reviews without a SKU),
    the counts and both rates.
    ``offset`` and ``limit`` page the groups (a shop has thousands of SKUs).
    """
    column, label = BREAKDOWN_COLUMNS[by]
    rows = (reviews.order_by().values(*dict.fromkeys((column, label)))
            .annotate(reviews=Count("pk"), positive=Count("pk", filter=Q(rating__gte=4)),
                      negative=Count("pk", filter=Q(rating__lte=low_rating_threshold())))
            .order_by("-reviews", column))
    if limit is not None:
        rows = rows[offset:offset + limit]
    return [{"key": row[label] or "-", "value": "none" if row[column] is None else row[column],
             "reviews": row["reviews"], "positive": row["positive"], "negative": row["negative"],
             "positive_rate": round(100.0 * row["positive"] / row["reviews"], 2),
             "negative_rate": round(100.0 * row["negative"] / row["reviews"], 2)} for row in rows]
