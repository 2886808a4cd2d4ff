"""What live chat announces to the apps built on it: their receivers act, chat never imports them."""

from django.dispatch import Signal

# Sent after commit with user_id= when an agent's presence becomes online (chosen, or resumed by their inbox).
agent_online = Signal()
