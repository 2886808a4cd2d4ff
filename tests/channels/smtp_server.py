"""A real SMTP server for the outbound tests: aiosmtpd in its own process, mails kept in a Maildir.

Run as ``python -m aiosmtpd -n -c tests.channels.smtp_server.FlakyMaildir <maildir> <refusals> -l host:port``:
the first ``refusals`` messages get "451 try again later", as a busy relay answers, and the rest are kept.
"""

import mailbox
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from aiosmtpd.handlers import Mailbox

from tests.waiting import wait_for

ROOT = Path(__file__).resolve().parents[2]


class FlakyMaildir(Mailbox):
    """aiosmtpd's Maildir handler that refuses its first messages with a temporary failure."""

    def __init__(self, mail_dir, refusals: int = 0):
        super().__init__(mail_dir)
        self.refusals = refusals

    async def handle_DATA(self, server, session, envelope):
        if self.refusals > 0:
            self.refusals -= 1
            return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)

    @classmethod
    def from_cli(cls, parser, *args):
        return cls(args[0], int(args[1]) if len(args) > 1 else 0)


@contextmanager
def smtp_server(maildir: Path, port: int, *, refusals: int = 0, smtputf8: bool = False):
    """Run the server on 127.0.0.1:port until the block ends; yield the Maildir it delivers into."""
    process = subprocess.Popen(
        [sys.executable, "-m", "aiosmtpd", "-n", *(["--smtputf8"] if smtputf8 else []),
         "-c", "tests.channels.smtp_server.FlakyMaildir", str(maildir), str(refusals), "-l", f"127.0.0.1:{port}"],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _answers(port) or process.poll() is not None, timeout=30, what="the SMTP server listening")
        assert process.poll() is None, process.stdout.read().decode()
        yield mailbox.Maildir(maildir)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _answers(port: int) -> bool:
    import smtplib

    try:
        with smtplib.SMTP("127.0.0.1", port, timeout=2) as client:
            return client.noop()[0] == 250
    except OSError:
        return False
