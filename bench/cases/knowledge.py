"""Benchmark cases of the knowledge base: the help centre's search and the suggestions beside a ticket."""

from bench.timing import BenchCase

_ready: dict = {}


def _data() -> dict:
    """Generate the articles once per database and pick a ticket of the demo agent's team."""
    if not _ready:
        from bench.generators.knowledge import ARTICLES, articles_generate, articles_generated_count
        from tickets.models import Ticket

        if articles_generated_count() < ARTICLES:
            print("\n  Generating knowledge articles…")
            articles_generate(total=ARTICLES - articles_generated_count())
        ticket = Ticket.objects.filter(team__members__username="agent").order_by("-pk").values_list("pk", flat=True)
        _ready["ticket"] = ticket.first()
    return _ready


BENCH_CASES = [
    BenchCase("knowledge: FAQ search, 10,000 articles (/help/?q=退货运费)",
              lambda: _data() and "/help/?q=退货运费", username=None),
    BenchCase("knowledge: FAQ search API, 10,000 articles",
              lambda: _data() and "/api/v1/help/articles/?q=发票到账", username=None),
    BenchCase("knowledge: article suggestions for a ticket (agent)",
              lambda: f"/knowledge/for-ticket/{_data()['ticket']}/"),
]


def data_size() -> str:
    from knowledge.models import Article

    return f"{Article.objects.count():,} articles"
