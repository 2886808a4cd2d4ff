"""What tickets announce to the apps built on them: their receivers act, tickets never import them."""

from django.dispatch import Signal

# Sent by remedy_record_agreement inside its transaction, with remedy= and actor=, for a refund or exchange.
remedy_agreed = Signal()

# Sent after commit with ticket_id= when a ticket waits in its team's queue with nobody assigned: created
# unassigned, unassigned, or transferred to a team its assignee is not in. Routing gives it to an agent.
ticket_queued = Signal()
