"""A stand-in SMS gateway for the fault suite: the file backend, able to hold one recipient's send.

The worker subprocess loads it through ``MESSAGE_BACKEND``. A file ``hold-<recipient>`` beside the
message file makes the next send to that recipient wait (after writing ``holding-<recipient>``), before
the gateway has taken the message, so the test can kill the worker with the send in flight.
"""

import time
from pathlib import Path

from django.conf import settings

from followups.messaging import FileBackend

HOLD_SECONDS = 60


def hold_path(recipient: str, state: str = "hold") -> Path:
    """Return the flag file of a recipient's hold: ``hold`` (asked for) or ``holding`` (a send is waiting)."""
    return Path(settings.MESSAGE_FILE_PATH).with_name(f"{state}-{recipient}")


class HoldingFileBackend(FileBackend):
    """Append each message to the message file; hold a send to a recipient the test asked to hold."""

    def send(self, message):
        try:
            hold_path(message.recipient).unlink()  # one sender takes the hold, once
        except FileNotFoundError:
            pass
        else:
            hold_path(message.recipient, "holding").touch()
            time.sleep(HOLD_SECONDS)  # the test kills this process meanwhile
        return super().send(message)
