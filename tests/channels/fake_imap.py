"""A minimal IMAP4rev1 server on localhost for the poller tests: the only faked system (imaplib is real)."""

import socketserver
import threading


class FakeImapServer:
    """Serve ``messages`` (uid → raw bytes) to one login; remembers which uids were flagged seen."""

    def __init__(self, messages: dict[int, bytes], *, username="service", password="secret"):
        self.messages, self.seen, self.username, self.password = dict(messages), set(), username, password
        self.logins = 0
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def send(self, line: str | bytes):
                self.wfile.write(line if isinstance(line, bytes) else line.encode() + b"\r\n")

            def handle(self):
                self.send("* OK fake IMAP4rev1 ready")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    tag, _, rest = line.decode().strip().partition(" ")
                    command, _, args = rest.partition(" ")
                    command = command.upper()
                    if command == "CAPABILITY":
                        self.send("* CAPABILITY IMAP4rev1")
                        self.send(f"{tag} OK done")
                    elif command == "LOGIN":
                        user, password = [a.strip('"') for a in args.split(" ", 1)]
                        if (user, password) != (outer.username, outer.password):
                            self.send(f"{tag} NO bad credentials")
                            continue
                        outer.logins += 1
                        self.send(f"{tag} OK logged in")
                    elif command == "SELECT":
                        self.send(f"* {len(outer.messages)} EXISTS")
                        self.send(f"{tag} OK [READ-WRITE] selected")
                    elif command == "UID":
                        sub, _, params = args.partition(" ")
                        sub = sub.upper()
                        if sub == "SEARCH":
                            uids = " ".join(str(u) for u in sorted(outer.messages) if u not in outer.seen)
                            self.send(f"* SEARCH {uids}".rstrip())
                        elif sub == "FETCH":
                            uid = int(params.split(" ")[0])
                            raw = outer.messages[uid]
                            self.send(f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}".encode() + b"\r\n" + raw + b")\r\n")
                        elif sub == "STORE":
                            outer.seen.add(int(params.split(" ")[0]))
                            self.send(f"* {params.split(' ')[0]} FETCH (FLAGS (\\Seen))")
                        self.send(f"{tag} OK done")
                    elif command == "LOGOUT":
                        self.send("* BYE")
                        self.send(f"{tag} OK bye")
                        return
                    else:
                        self.send(f"{tag} BAD unknown")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


