"""The garbage collector of a server process: startup's objects frozen, the young generation collected less often."""

import gc

from helpdesk.collector import YOUNG_THRESHOLD, collector_settle


def test_settling_freezes_what_exists_and_raises_the_young_threshold():
    threshold = gc.get_threshold()
    made_at_startup = [{"row": n} for n in range(100)]
    try:
        collector_settle()
        assert gc.get_freeze_count() >= len(made_at_startup)
        assert gc.get_threshold() == (YOUNG_THRESHOLD, *threshold[1:])
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)
