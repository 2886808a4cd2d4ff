"""Django's SMTP backend, able to write to internationalised addresses (RFC 6531) through SMTPUTF8."""

import email.policy
import smtplib
import threading

from django.core.mail.backends import smtp


class EmailBackend(smtp.EmailBackend):
    """Send mail as Django does; a mail with a UTF-8 address goes with SMTPUTF8, which the server must offer."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.utf8_lock = threading.RLock()

    def send_messages(self, email_messages):
        plain, international = [], []
        for message in email_messages:
            (plain if self.ascii_only(message) else international).append(message)
        sent = super().send_messages(plain) if plain else 0
        if not international:
            return sent
        with self.utf8_lock:
            opened = self.open()
            if not self.connection or opened is None:
                return sent
            try:
                for message in international:
                    sent += self.international_send(message)
            finally:
                if opened:
                    self.close()
        return sent

    def ascii_only(self, message) -> bool:
        """Whether every address of the message can go as plain SMTP (an IDN domain is written in punycode)."""
        try:
            for address in [message.from_email, *message.recipients()]:
                self.prep_address(address)
        except ValueError:
            return False
        return True

    def international_send(self, message) -> int:
        """Send one message with SMTPUTF8 (smtplib adds it when an address is not ASCII); 1 when sent."""
        if not message.recipients():
            return 0
        sender = self.prep_address(message.from_email, force_ascii=False)
        recipients = [self.prep_address(address, force_ascii=False) for address in message.recipients()]
        try:
            self.connection.send_message(message.message(policy=email.policy.SMTP), sender, recipients)
        except smtplib.SMTPException:  # SMTPNotSupported when the server does not offer SMTPUTF8
            if not self.fail_silently:
                raise
            return 0
        return 1
