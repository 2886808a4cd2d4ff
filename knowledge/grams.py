"""Character grams in SQL: an article's stored grams and the test that a text's grams are all among them."""

from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db.models.expressions import RawSQL
from django.db.models import BooleanField, F, Func, Value


class Grams(Func):
    """The distinct characters and character pairs of its arguments joined as one upper-cased text, as a tsvector.

    ``knowledge_grams`` is an immutable SQL function made by the migration 0005_article_search_grams.
    """

    template = "array_to_tsvector(knowledge_grams(%(expressions)s))"
    arg_joiner = " || "
    output_field = SearchVectorField()


class HasGrams(Func):
    """True when an article's stored grams hold every character and character pair of the text.

    A text found in the title or body passes; one that passes may still not be there (the pairs apart).
    """

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, text: str):
        super().__init__(F("search_grams"), Func(Value(text), function="knowledge_grams_query",
                                                 output_field=SearchQueryField()))


class HasAnyGram(Func):
    """True when an article's stored grams hold at least one of the given grams: one test the GIN index answers."""

    arg_joiner = " @@ "
    template = "%(expressions)s"
    output_field = BooleanField()

    def __init__(self, grams: list[str]):
        either = " | ".join("'" + gram.replace("\\", "\\\\").replace("'", "''") + "'" for gram in grams)
        super().__init__(F("search_grams"), RawSQL("%s::tsquery", (either,), output_field=SearchQueryField()))
