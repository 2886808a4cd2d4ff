"""Benchmark cases of orders and returns: lists, pages and API; ``python -m bench orders`` times import and rates."""

from bench.load.orders import order_body
from bench.timing import BenchCase
from orders.models import Order, ReturnRequest


def _first_order_id() -> str:
    order = Order.objects.order_by("-id").only("id").first()
    return f"/api/v1/orders/{order.pk}/" if order else "/api/v1/orders/"


def _first_return_id() -> str:
    ret = ReturnRequest.objects.order_by("-created_at", "-id").only("id").first()
    return f"/returns/{ret.pk}/" if ret else "/returns/"


BENCH_CASES = [
    BenchCase("GET /api/v1/returns/ (25 newest, deadlines)", "/api/v1/returns/"),
    BenchCase("GET /api/v1/returns/?status=confirmed", "/api/v1/returns/?status=confirmed"),
    BenchCase("returns list page (50 rows, deadlines)", "/returns/"),
    BenchCase("return detail page (quote, deadlines, timeline)", _first_return_id),
    BenchCase("GET /api/v1/orders/ (25 newest)", "/api/v1/orders/"),
    BenchCase("GET /api/v1/orders/?q=<number>", "/api/v1/orders/?q=BO0000000042"),
    BenchCase("GET /api/v1/orders/{id}/", _first_order_id),
    BenchCase("orders list page (50 rows)", "/orders/"),
    BenchCase("PUT /api/v1/orders/by-number/ (unchanged)", "/api/v1/orders/by-number/BENCH-UPSERT-1/", username="admin",
              method="put", data=order_body, expect=(200, 201)),
]


def data_size() -> str:
    return f"{Order.objects.count():,} orders, {ReturnRequest.objects.count():,} returns"
