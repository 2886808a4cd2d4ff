"""Thin Celery tasks of ticket routing."""

from celery import shared_task

from routing import services


@shared_task(name="routing.ticket_route", expires=300)
def ticket_route(ticket_id: int) -> bool:
    """Give a waiting ticket to an online agent of its team with room."""
    return services.ticket_route(ticket_id=ticket_id) is not None


@shared_task(name="routing.agent_backlog_deliver", expires=300)
def agent_backlog_deliver(user_id: int) -> int:
    """Give an agent who came online the waiting tickets of their teams."""
    return services.agent_backlog_deliver(user_id=user_id)


@shared_task(name="routing.ticket_sweep_unassigned", expires=50)
def ticket_sweep_unassigned() -> int:
    """Route the tickets still waiting in automatically routed teams."""
    return services.ticket_sweep_unassigned()
