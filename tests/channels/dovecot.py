"""A real IMAP server for tests: Dovecot with its own configuration, mail and port in a temporary directory."""

import grp
import imaplib
import os
import pwd
import shutil
import subprocess
import time
import uuid
from pathlib import Path

from helpdesk.embedded import free_port

DOVECOT = shutil.which("dovecot") or ("/usr/sbin/dovecot" if os.path.exists("/usr/sbin/dovecot") else None)
USER, PASSWORD = "service", "secret"

_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 0
first_valid_gid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def _users() -> dict:
    """Run as the current user; as root, Dovecot's own unprivileged users serve logins and its internals."""
    if os.getuid() == 0:
        owner = pwd.getpwnam("dovecot")
        return {"internal_user": "dovecot", "internal_group": "dovecot", "login_user": "dovenull",
                "uid": owner.pw_uid, "gid": owner.pw_gid}
    user, group = pwd.getpwuid(os.getuid()).pw_name, grp.getgrgid(os.getgid()).gr_name
    return {"internal_user": user, "internal_group": group, "login_user": user, "uid": os.getuid(), "gid": os.getgid()}


class DovecotServer:
    """Dovecot serving one mailbox (``service``/``secret``) on a free port; ``deliver`` drops mail into its INBOX."""

    def __init__(self, root: Path):
        self.root, self.port, self.process = Path(root), free_port(), None
        self.root.chmod(0o755)  # its unprivileged login processes reach their sockets
        self.users = _users()
        self.inbox = self.root / "mail" / USER

    def __enter__(self):
        for sub in ("run", "state", "home", "mail"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        for sub in ("new", "cur", "tmp"):
            (self.inbox / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        config = self.root / "dovecot.conf"
        config.write_text(_CONFIG.format(root=self.root, port=self.port, **self.users))
        for path in [self.root / "home", *(self.root / "mail").rglob("*"), self.root / "mail"]:
            os.chown(path, self.users["uid"], self.users["gid"])
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE)
        for _ in range(50):
            try:
                imaplib.IMAP4("127.0.0.1", self.port, timeout=1).logout()
                return self
            except (OSError, imaplib.IMAP4.error):
                if self.process.poll() is not None:
                    break
                time.sleep(0.1)
        self.__exit__(None, None, None)
        log = (self.root / "dovecot.log").read_text() if (self.root / "dovecot.log").exists() else ""
        raise RuntimeError(f"dovecot did not start: {log[-2000:]}")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def deliver(self, *raws: bytes) -> None:
        """Deliver mails into the INBOX in this order, as a local delivery agent does (Maildir)."""
        for index, raw in enumerate(raws):
            name = f"{int(time.time())}.{index:04d}{uuid.uuid4().hex}.test"
            (self.inbox / "tmp" / name).write_bytes(raw)
            os.chown(self.inbox / "tmp" / name, self.users["uid"], self.users["gid"])
            os.rename(self.inbox / "tmp" / name, self.inbox / "new" / name)
            time.sleep(0.01)  # Maildir order is by file name: the time prefix and index keep it

    def unseen(self) -> int:
        """Return how many mails of the INBOX are not yet marked seen."""
        connection = imaplib.IMAP4("127.0.0.1", self.port, timeout=5)
        connection.login(USER, PASSWORD)
        connection.select("INBOX", readonly=True)
        _status, data = connection.search(None, "UNSEEN")
        connection.logout()
        return len((data[0] or b"").split())
