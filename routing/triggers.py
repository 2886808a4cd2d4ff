"""Receivers of what tickets and chat announce: each hands the routing to a Celery task, after commit."""

from helpdesk.enqueue import enqueue_on_commit
from routing import tasks


def ticket_queued_route(sender, *, ticket_id: int, **kwargs) -> None:
    """Route a ticket that now waits unassigned in its team's queue."""
    enqueue_on_commit(tasks.ticket_route, ticket_id=ticket_id)


def agent_online_deliver(sender, *, user_id: int, **kwargs) -> None:
    """Give an agent who came online the waiting tickets of their teams."""
    enqueue_on_commit(tasks.agent_backlog_deliver, user_id=user_id)
