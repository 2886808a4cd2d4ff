"""Benchmark cases of the knowledge base: the help centre's search and the suggestions beside a ticket."""

import random

from bench.timing import BenchCase

_ready: dict = {}
_clients: dict = {}


def _data() -> dict:
    """Generate the articles once per database and pick a generated ticket of the demo agent's team."""
    if not _ready:
        from bench.generators.knowledge import ARTICLES, articles_generate, articles_generated_count
        from tickets.models import Ticket

        if articles_generated_count() < ARTICLES:
            print("\n  Generating knowledge articles…")
            articles_generate(total=ARTICLES - articles_generated_count())
        from bench.generators.tickets import SUBJECTS

        # A customer's ticket as generated (not one another module's cases filed): its subject is what is asked.
        ticket = (Ticket.objects.filter(team__members__username="agent", subject__in=SUBJECTS).order_by("-pk")
                  .values_list("pk", flat=True))
        _ready["ticket"] = ticket.first()
    return _ready


def _questions():
    """Yield distinct questions built from the generator's words as customers type them (退货运费, 发票怎么到账)."""
    from bench.generators.knowledge import WORDS

    pairs = [(first, second) for first in WORDS for second in WORDS if first != second]
    random.Random().shuffle(pairs)
    for number, (first, second) in enumerate(pairs):
        yield f"{first}{second}" if number % 3 else f"{first}怎么{second}"


def _client(username: str | None):
    """Return one test client per user, signed in when a username is given."""
    if username not in _clients:
        from django.test import Client
        from helpdesk.models import User

        _clients[username] = Client()
        if username:
            _clients[username].force_login(User.objects.get(username=username))
    return _clients[username]


def _asked_anew(path: str):
    """Return a call that requests the path with the next question never asked before, so no cache answers."""
    questions = _questions()

    def call():
        if not _ready:
            _data()
            _new_version()  # nor an answer cached by an earlier run
        response = _client(None).get(path, {"q": next(questions)})
        assert response.status_code == 200, response.status_code
    return call


def _suggest_anew():
    """Request a ticket's suggestions: the setup starts a new article version, so the search is ranked anew."""
    response = _client("agent").get(f"/knowledge/for-ticket/{_data()['ticket']}/")
    assert response.status_code == 200, response.status_code


def _new_version():
    """Start a new version of the articles, as any save of one does."""
    from knowledge.search_cache import articles_version_bump

    articles_version_bump()


BENCH_CASES = [
    BenchCase("knowledge: FAQ search, 10,000 articles (/help/?q=退货运费, repeated question, cached)",
              lambda: _data() and "/help/?q=退货运费", username=None),
    BenchCase("knowledge: FAQ search API, 10,000 articles (repeated question, cached)",
              lambda: _data() and "/api/v1/help/articles/?q=发票到账", username=None),
    BenchCase("knowledge: article suggestions for a ticket (agent, repeated, cached)",
              lambda: f"/knowledge/for-ticket/{_data()['ticket']}/"),
    BenchCase("knowledge: FAQ search, 10,000 articles (/help/, a new question each time)", "",
              call=_asked_anew("/help/")),
    BenchCase("knowledge: FAQ search API, 10,000 articles (a new question each time)", "",
              call=_asked_anew("/api/v1/help/articles/")),
    BenchCase("knowledge: article suggestions for a ticket (agent, articles changed each time)", "",
              call=_suggest_anew, setup=_new_version),
]


def data_size() -> str:
    from knowledge.models import Article

    return f"{Article.objects.count():,} articles"
