"""What tickets announce to the apps built on them: their receivers act, tickets never import them."""

from django.dispatch import Signal

# Sent by remedy_record_agreement inside its transaction, with remedy= and actor=, for a refund or exchange.
remedy_agreed = Signal()
