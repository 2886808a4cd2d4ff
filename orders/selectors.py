"""Reads of orders and returns: the active policy, quotes, permission-scoped lists, the customer's timeline and the archive's view of orders."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.privacy import mask_phone
from customers.records import StatColumn
from helpdesk.search import SearchHit
from helpdesk.roles import RANK, Role, primary_role
from helpdesk.teams import team_ids_for_user
from orders import policy, workflow
from orders.filters import OrderFilterSet
from orders.models import Order, ReturnDeadline, ReturnPolicy, ReturnRequest, ShopTeam
from tickets.models import Ticket
from tickets.selectors import approvers_for


def return_policy_active() -> ReturnPolicy:
    """Return the active policy row, or the shipped defaults when an admin removed it."""
    return ReturnPolicy.objects.filter(is_active=True).first() or ReturnPolicy(name="default")


def order_scope_q(*, user, prefix: str = "") -> Q | None:
    """Return the filter of the orders a user may see (None: all); the gatekeeper of every order and return read.

    Managers and admins see every order. Agents and supervisors see the orders of the shops their teams
    serve (``ShopTeam``), of shops no team is assigned to, and of tickets of their teams.
    """
    return _scope_q(_order_scope_of(user), prefix)


def _order_scope_of(user) -> tuple[set, set, set] | bool:
    """Return what order_scope_q filters on: True for every order, False for none, else (teams, served, elsewhere) shops."""
    role = primary_role(user) if user and user.is_authenticated else None
    if role is None:
        return False
    if RANK[role] >= RANK[Role.MANAGER]:
        return True
    teams = set(team_ids_for_user(user=user))
    served, elsewhere = set(), set()
    for shop, team_id in ShopTeam.objects.values_list("shop", "team_id"):
        (served if team_id in teams else elsewhere).add(shop)
    return teams, served, elsewhere


def _scope_q(scope_of, prefix: str) -> Q | None:
    """Return order_scope_q's filter of what _order_scope_of found, on orders (``prefix`` "") or rows with an order."""
    if scope_of is True:
        return None
    if scope_of is False:
        return Q(pk__in=[])
    teams, served, elsewhere = scope_of
    scope = Q(**{f"{prefix}shop__in": served}) | ~Q(**{f"{prefix}shop__in": elsewhere - served})
    if teams and elsewhere - served:
        # Per row an index lookup on the ticket's order (not a hash of every ticket of the team).
        outer = OuterRef(f"{prefix}pk" if prefix else "pk")
        scope |= Q(Exists(Ticket.objects.filter(order_id=outer, team_id__in=teams)))
    return scope


def order_link_check(*, actor, order: Order) -> None:
    """Refuse an order outside the actor's scope as if it did not exist: a 400 on ``order``.

    The system (actor None: a shop review or another intake) links any order.
    """
    if actor is None:
        return
    scope = order_scope_q(user=actor)
    if scope is not None and not Order.objects.filter(scope, pk=order.pk).exists():
        raise ValidationError({"order": [_("Unknown order.")]})


def order_list_for_user(*, user) -> QuerySet[Order]:
    """Return the orders the user may see: holders of orders.view_order, within their scope (order_scope_q)."""
    if not user.has_perm("orders.view_order"):
        return Order.objects.none()
    scope = order_scope_q(user=user)
    orders = Order.objects.select_related("customer")
    return orders if scope is None else orders.filter(scope)


def return_list_for_user(*, user) -> QuerySet[ReturnRequest]:
    """Return the returns the user may see (those of orders in their scope), with what a list row shows."""
    if not user.has_perm("orders.view_returnrequest"):
        return ReturnRequest.objects.none()
    scope = order_scope_q(user=user, prefix="order__")
    returns = ReturnRequest.objects.all() if scope is None else ReturnRequest.objects.filter(scope)
    return returns.select_related("order", "customer").prefetch_related(
        Prefetch("deadlines", queryset=ReturnDeadline.objects.order_by("step")),
        "items",
    )


def return_approvers(return_request: ReturnRequest) -> list:
    """Return who approves the refund of a return: the approvers of its ticket's team, else of its shop's, else the managers."""
    team = return_request.ticket.team if return_request.ticket_id else None
    if team is None:
        shop_team = ShopTeam.objects.select_related("team").filter(shop=return_request.order.shop).first()
        team = shop_team.team if shop_team else None
    return approvers_for(team=team)


def days_since_delivery(order: Order, *, as_of=None) -> int:
    """Return whole days from delivery (签收) to as_of, by Asia/Shanghai calendar date."""
    if order.delivered_at is None:
        return 0
    as_of = as_of or timezone.now()
    return (timezone.localdate(as_of) - timezone.localdate(order.delivered_at)).days


def return_quote(*, return_request: ReturnRequest, as_of=None) -> policy.Quote:
    """Return the refund quote of a request, measured from delivery to its application date."""
    order = return_request.order
    goods = sum((item.order_item.unit_price * item.quantity for item in return_request.items.select_related("order_item")),
                Decimal("0"))
    exchange_amount = None
    if return_request.kind == ReturnRequest.Kind.EXCHANGE and return_request.exchange_sku_id:
        exchange_amount = return_request.exchange_sku.unit_price * return_request.exchange_quantity
    return policy.quote(
        return_policy_active().numbers(),
        kind=return_request.kind,
        reason=return_request.reason,
        goods_amount=goods,
        days_since_delivery=days_since_delivery(order, as_of=as_of or return_request.created_at),
        outbound_shipping=order.shipping_fee,
        exchange_amount=exchange_amount,
        has_evidence=return_request.photos.exists(),
    )


def deadlines_block(return_request: ReturnRequest) -> dict:
    """Return {"confirm", "pickup", …} each {"due_at", "met_at", "breached_at", "warned_at", "is_provisional"}."""
    found = {d.step: d for d in return_request.deadlines.all()}
    block = {}
    for step in ReturnDeadline.Step.values:
        deadline = found.get(step)
        if deadline is None and step == ReturnDeadline.Step.APPROVAL:
            continue
        block[step] = {
            "due_at": deadline.due_at if deadline else None,
            "met_at": deadline.met_at if deadline else None,
            "breached_at": deadline.breached_at if deadline else None,
            "warned_at": deadline.warned_at if deadline else None,
            "is_provisional": deadline.is_provisional if deadline else False,
        }
    return block


def returned_quantities(order: Order) -> dict[int, int]:
    """Return, per order item, how many are in returns that count (not rejected or cancelled)."""
    rows = (order.items.filter(return_items__return_request__status__in=workflow.COUNTED_STATES)
            .values("pk").annotate(total=Sum("return_items__quantity")))
    return {row["pk"]: row["total"] for row in rows}


def order_find_for_customer(*, number: str, phone: str) -> Order | None:
    """Return the order when the phone matches its customer's (the public page's identity check)."""
    digits = "".join(ch for ch in phone if ch.isdigit())[-11:]
    if len(digits) < 7:
        return None
    order = Order.objects.select_related("customer").filter(number=number.strip()).first()
    if order is None:
        return None
    own = "".join(ch for ch in order.customer.phone if ch.isdigit())[-11:]
    return order if own and own == digits else None


def return_timeline_for_customer(*, return_request: ReturnRequest) -> dict:
    """Return what the customer's status page shows: steps reached, public events, masked contact."""
    events = list(return_request.events.filter(is_public=True).select_related("actor"))
    reached = {e.to_status: e.created_at for e in events if e.to_status}
    steps = [{"status": s, "label": ReturnRequest.Status(s).label, "at": reached.get(s)}
             for s in workflow.timeline_steps(return_request.kind)]
    if return_request.status in {ReturnRequest.Status.REJECTED, ReturnRequest.Status.CANCELLED}:
        steps.append({"status": return_request.status, "label": return_request.get_status_display(),
                      "at": reached.get(return_request.status)})
    return {"steps": steps, "events": events, "phone": mask_phone(return_request.contact_phone)}


# The customer archive's figures of a customer's orders (registered in OrdersConfig.ready).
CUSTOMER_STAT_COLUMNS = [
    StatColumn("orders", Order, "customer", "count(*)", default=0),
    StatColumn("spend", Order, "customer", "sum(x.total_amount)", "x.status <> %s", (Order.Status.CANCELLED.value,),
               convert=lambda spend: str(spend or 0), default="0"),
    StatColumn("last_order_at", Order, "customer", "max(x.placed_at)"),
]


def customer_ids_by_order_number(value: str) -> QuerySet:
    """Return the customer of the order with this number (the customer search's order-number lookup)."""
    return Order.objects.filter(number=value).values_list("customer_id")


def customer_timeline_sources(*, customer, text, viewer):
    """Yield the customer timeline's sources of orders and returns, as far as the viewer may open them."""
    orders = Order.objects.filter(customer=customer)
    returns = ReturnRequest.objects.filter(customer=customer).select_related("order")
    scope_of = _order_scope_of(viewer)  # one look at the shops' teams for both sources
    yield ("order", _("Order"), orders, _scoped(orders, viewer, "orders.view_order", _scope_q(scope_of, "")), "placed_at",
           lambda o: (o.number, f"{o.get_status_display()} · ¥{o.total_amount}", ""))
    yield ("return", _("Return"), returns,
           _scoped(returns, viewer, "orders.view_returnrequest", _scope_q(scope_of, "order__")), "created_at",
           lambda r: (f"{r.number} · {r.order.number}", f"{r.get_kind_display()} · {r.get_status_display()}", ""))


def _scoped(rows, viewer, permission: str, scope: Q | None):
    """Return the rows the viewer may open: ``rows`` itself when all of them."""
    if not viewer.has_perm(permission):
        return rows.none()
    return rows if scope is None else rows.filter(scope)


def customer_orders_export(customer) -> list[dict]:
    """Return every order of the customer with its items, in clear, for a personal-information export (PIPL)."""
    def iso(value):
        return value.isoformat() if value else None

    return [
        {"number": o.number, "shop": o.shop, "status": o.status, "total_amount": str(o.total_amount),
         "tracking_number": o.tracking_number, "placed_at": iso(o.placed_at),
         "items": [{"sku": i.sku, "name": i.name, "spec": i.spec, "quantity": i.quantity, "unit_price": str(i.unit_price)}
                   for i in o.items.all()]}
        for o in Order.objects.filter(customer=customer).prefetch_related("items")
    ]


def order_search_hits(*, viewer, q: str, limit: int) -> list[SearchHit]:
    """Return the global search's order hits: the order list's search (number, tracking number, customer name or phone) in the viewer's scope."""
    orders = OrderFilterSet({"q": q}, queryset=order_list_for_user(user=viewer)).qs.order_by("-placed_at")[:limit]
    return [
        SearchHit(title=order.number, url=reverse("orders:order_detail", args=[order.pk]),
                  subtitle=f"{order.customer.name} · {order.get_status_display()} · ¥{order.total_amount} · {timezone.localtime(order.placed_at):%Y-%m-%d}")
        for order in orders
    ]
