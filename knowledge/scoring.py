"""Quiz arithmetic (pure): a question counts only when exactly its correct choices were chosen."""

from decimal import ROUND_HALF_UP, Decimal

HUNDREDTH = Decimal("0.01")


def quiz_score(key: dict[int, set[int]], answers: dict[int, set[int]]) -> tuple[Decimal, list[int]]:
    """Return the score in % (two decimals) and the ids of the questions answered wrongly.

    ``key`` maps each question id to its correct choice ids; score = questions answered exactly right ÷ questions.
    """
    if not key:
        return Decimal("0.00"), []
    wrong = [question for question, correct in key.items() if set(answers.get(question, ())) != correct]
    score = Decimal(100 * (len(key) - len(wrong))) / Decimal(len(key))
    return score.quantize(HUNDREDTH, rounding=ROUND_HALF_UP), wrong


def quiz_passed(score: Decimal, pass_mark: int) -> bool:
    """Return whether a score reaches the pass mark (both in %)."""
    return score >= Decimal(pass_mark)
