"""Insert-or-update under a unique key: a second writer that raced the first insert retries once."""

from collections.abc import Callable
from typing import TypeVar

from django.db import IntegrityError, transaction

T = TypeVar("T")


def atomic_upsert(write: Callable[[], T]) -> T:
    """Run ``write`` in a transaction; when it lost the race to insert the same key, run it once more (now an update)."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return write()
        except IntegrityError:
            if attempt == 2:
                raise  # pragma: no cover - a second race on the same key
    raise AssertionError("unreachable")  # pragma: no cover
