"""E-mail backend for development that prints messages as a person reads them."""

from django.core.mail.backends import console

# MIME plumbing: how the message is encoded, not what it says.
MIME_HEADERS = {"mime-version", "content-type", "content-transfer-encoding", "content-disposition"}


class EmailBackend(console.EmailBackend):
    """Print each message's headers and text decoded, and its attachments by name and size.

    Django's console backend prints the raw MIME source, where a Chinese subject or body is
    base64 that nobody reading the console can check.
    """

    def write_message(self, message):
        """Write the headers, every text part decoded and one line per attachment."""
        mime = message.message()
        lines = [f"{name}: {value}" for name, value in mime.items() if name.lower() not in MIME_HEADERS]
        if message.bcc:
            lines.append(f"Bcc: {', '.join(message.bcc)}")
        files = []
        for part in mime.walk():
            if part.is_multipart():
                continue
            if part.get_content_maintype() == "text" and not part.is_attachment():
                lines += ["", f"[{part.get_content_type()}]", part.get_content().rstrip("\n")]
            else:
                size = len(part.get_payload(decode=True) or b"")
                name = part.get_filename() or part.get("Content-ID", "")
                disposition = part.get_content_disposition() or "inline"
                files.append(f"[{disposition}] {name} ({part.get_content_type()}, {size} bytes)")
        if files:
            lines += ["", *files]
        self.stream.write("\n".join(lines) + "\n")
        self.stream.write("-" * 79 + "\n")
