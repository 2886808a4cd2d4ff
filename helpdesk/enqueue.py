"""Hand work to Celery without letting a broker outage fail a write that committed.

A row in the database is the record of the work (an e-mail ``queued``, an import ``pending``); the
task only says "do it now". When Redis is down the task is not sent, a warning is logged, and the
row's beat sweeper (``<entity>_sweep_<condition>``) sends it again once the row has waited longer
than ``SWEEP_GRACE``. Every task it sends is safe to receive twice.
"""

import logging
from collections.abc import Iterable
from datetime import timedelta

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)
# How long a row may wait for its task before a sweeper sends the task again: enough for a worker with a
# normal backlog to reach it (a second delivery would only find the work done), short enough for customers.
SWEEP_GRACE = timedelta(minutes=2)
# Rows one sweep sends at most; the next sweep (a minute later) takes the rest.
SWEEP_BATCH = 500


def enqueue(task, **kwargs) -> bool:
    """Send the task now; return False, logged, when the broker is unreachable."""
    try:
        task.delay(**kwargs)
    except OperationalError as error:
        logger.warning("broker unreachable (%s); %s(%s) not sent", error, task.name, kwargs)
        return False
    return True


def enqueue_on_commit(task, **kwargs) -> None:
    """Send the task once the current transaction commits; a broker outage is logged, never raised to the caller."""
    transaction.on_commit(lambda: enqueue(task, **kwargs))


def enqueue_each(task, argument: str, ids: Iterable[int]) -> int:
    """Send the task once per id (passed as ``argument``); stop at the first broker failure; return how many went."""
    sent = 0
    for pk in ids:
        if not enqueue(task, **{argument: pk}):
            break  # the broker is down: the next sweep sends the rest
        sent += 1
    return sent
