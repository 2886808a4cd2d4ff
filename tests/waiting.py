"""Waiting for something another process or thread does: one deadline-bound poll, named in its failure."""

import time


def wait_for(check, *, timeout: float, what: str, interval: float = 0.1):
    """Return check()'s first truthy value, polling until the deadline; fail naming what never happened."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)
