"""Character grams in SQL: an article's stored grams and the tests its GIN indexes answer."""

from itertools import combinations
from math import comb

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models.expressions import RawSQL
from django.db.models import BooleanField, F, Func, Value

MAX_COMBINATIONS = 64  # "at least k of these grams" spelled out as an OR of ANDs up to this many terms


class Grams(Func):
    """The distinct characters and character pairs of its arguments joined as one upper-cased text, as a tsvector.

    ``knowledge_grams`` is an immutable SQL function made by the migration 0005_article_search_grams.
    """

    template = "array_to_tsvector(knowledge_grams(%(expressions)s))"
    arg_joiner = " || "
    output_field = SearchVectorField()


class HasGrams(Func):
    """True when a column of stored grams holds every character and character pair of the text.

    A text found in the title or body passes; one that passes may still not be there (the pairs apart).
    """

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, text: str, column: str = "search_grams"):
        super().__init__(F(column), Func(Value(text), function="knowledge_grams_query",
                                         output_field=SearchQueryField()))


class Matches(Func):
    """True when a column of stored grams matches a tsquery of grams (``gram_any``, ``gram_at_least``)."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, column: str, tsquery: str):
        super().__init__(F(column), RawSQL("%s::tsquery", (tsquery,), output_field=SearchQueryField()))


def gram_lexeme(gram: str) -> str:
    """Return a gram quoted as one tsquery lexeme (quotes and backslashes doubled)."""
    return "'" + gram.replace("\\", "\\\\").replace("'", "''") + "'"


def gram_any(grams: list[str]) -> str:
    """Return the tsquery that at least one of the grams is present."""
    return " | ".join(gram_lexeme(gram) for gram in grams)


def gram_at_least(grams: list[str], k: int) -> str | None:
    """Return the tsquery that at least k of the grams are present, or None when it would be too long to spell out."""
    if k <= 1:
        return gram_any(grams)
    if k > len(grams) or comb(len(grams), k) > MAX_COMBINATIONS:
        return None
    return " | ".join("(" + " & ".join(gram_lexeme(gram) for gram in group) + ")" for group in combinations(grams, k))
