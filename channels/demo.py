"""Demo data of the channels: the shop's service mailbox."""

from channels.models import Mailbox


def demo_channels_load(context: dict) -> Mailbox:
    """Create the shop's service address once: mail POSTed to the inbound API is answered from it (no IMAP in the demo)."""
    mailbox, _created = Mailbox.objects.get_or_create(address="service@demo-shop.local", defaults={"name": "客服邮箱"})
    return mailbox
