import pytest
from django.db import connection

from knowledge.grams import MAX_COMBINATIONS, gram_any, gram_at_least, gram_lexeme


def test_a_gram_is_quoted_as_one_lexeme():
    assert gram_lexeme("退货") == "'退货'"
    assert gram_lexeme("T'") == "'T'''" and gram_lexeme("\\") == "'\\\\'"


def test_at_least_k_of_n_is_an_or_of_every_k_combination():
    assert gram_at_least(["A", "B", "C"], 2) == "('A' & 'B') | ('A' & 'C') | ('B' & 'C')"
    assert gram_at_least(["A", "B"], 1) == gram_any(["A", "B"]) == "'A' | 'B'"
    assert gram_at_least(["A", "B"], 3) is None


def test_too_many_combinations_are_not_spelled_out():
    grams = [chr(0x4E00 + i) for i in range(12)]
    assert gram_at_least(grams, 6) is None  # 924 combinations
    assert gram_at_least(grams, 12) is not None and MAX_COMBINATIONS >= 1


@pytest.mark.django_db
@pytest.mark.parametrize("text", ["", "a", "aB", "退货运费 怎么算？", "0" * 20000, "退货" * 5000 + "\n\tÉé'\\x", "ab\nab"])
def test_postgresql_grams_are_the_distinct_characters_and_pairs_of_the_upper_cased_text(text):
    upper = text.upper()
    with connection.cursor() as cursor:
        cursor.execute("SELECT knowledge_grams(%s)", [text])
        (grams,) = cursor.fetchone()
    assert sorted(grams) == sorted(set(upper) | {upper[i:i + 2] for i in range(len(upper) - 1)})
