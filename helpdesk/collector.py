"""Python's garbage collector set for a long-running server process: startup's objects frozen, young ones kept longer.

A full collection walks every tracked object, and what Django, DRF and the apps load at startup is most of
them: about 100 ms of a request's time whenever one falls in it. Frozen after startup, those objects are
never walked again. And a request allocates thousands of objects that live only as long as it: collected
every 700 allocations (Python's default), many are still in use and are promoted, to be walked later by the
full collections; every 5,000, most die young and are freed by reference counting.
"""

import gc

YOUNG_THRESHOLD = 5_000


def collector_settle() -> None:
    """Freeze the objects made so far and collect the young generation every ``YOUNG_THRESHOLD`` allocations."""
    gc.collect()
    gc.freeze()
    _young, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
