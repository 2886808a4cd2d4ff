"""Data generators: volumes inserted in SQL (generate_series) or in bulk, minutes where model objects take hours."""

from contextlib import contextmanager


@contextmanager
def given_timestamps(*models):
    """Let bulk inserts keep the spread-out times they were given instead of auto_now(_add)."""
    fields = [f for m in models for f in m._meta.concrete_fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    saved = [(f, f.auto_now, f.auto_now_add) for f in fields]
    for f in fields:
        f.auto_now = f.auto_now_add = False
    try:
        yield
    finally:
        for f, auto_now, auto_now_add in saved:
            f.auto_now, f.auto_now_add = auto_now, auto_now_add
