"""Benchmark cases of the customer archive, at 1,000,000 customers (generated on first use)."""

from urllib.parse import quote

from bench.timing import BenchCase

_ready: dict = {}


def _data() -> dict:
    """Generate the million archives and the 500-event customer once per database; return ids."""
    if not _ready:
        from bench.generators import customers

        if not customers.customers_generated_count():
            print("\n  Generating 1,000,000 customers…")
            customers.customers_generate(progress=lambda what, done, total: print(f"\r  {what}: {done}/{total}", end=""))
            print()
        _ready["timeline_customer"] = customers.timeline_customer().pk
        customers.skewed_tags_add()
    return _ready


def _phone_search():
    _data()
    return "/api/v1/customers/?q=" + quote("+86 190-0012-3456")


def _email_search():
    _data()
    return "/api/v1/customers/?q=" + quote("B654321@bench.example.com")


BENCH_CASES = [
    BenchCase("customers: API search by phone, any format (1M)", _phone_search),
    BenchCase("customers: API search by e-mail (1M)", _email_search),
    BenchCase("customers: list page search by phone (1M)", lambda: "/customers/?q=" + quote("190 0012 3456") if _data() else ""),
    BenchCase("customers: API search by name, any part, 3 characters (1M)",
              lambda: "/api/v1/customers/?q=" + quote("基准客") if _data() else ""),
    BenchCase("customers: API search by given name, 2 characters (1M)",
              lambda: "/api/v1/customers/?q=" + quote("建国") if _data() else ""),
    BenchCase("customers: API filter by a rare tag, all on old archives (1M)",
              lambda: "/api/v1/customers/?tag=" + quote("旧客户") if _data() else ""),
    BenchCase("customers: API list, first page (1M)", lambda: "/api/v1/customers/" if _data() else ""),
    BenchCase("customers: customer page, 500-event timeline", lambda: f"/customers/{_data()['timeline_customer']}/"),
    BenchCase("customers: API timeline page 1, 500 events", lambda: f"/api/v1/customers/{_data()['timeline_customer']}/timeline/"),
]


def data_size() -> str:
    from customers.models import Customer, CustomerContact

    return f"{Customer.objects.count():,} customers, {CustomerContact.objects.count():,} contacts"
