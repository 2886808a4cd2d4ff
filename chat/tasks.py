"""Thin Celery tasks of live chat."""

from celery import shared_task

from chat import services

# Task names are what queued messages and the beat schedule carry: they stay "tickets.…" wherever the code lives.


@shared_task(name="tickets.agent_presence_sweep_stale", expires=25)
def agent_presence_sweep_stale() -> int:
    """Mark agents whose chat inbox went silent as away and return their chats to the queue."""
    return services.agent_presence_sweep_stale()


@shared_task(name="chat.chat_sweep_abandoned", expires=50)
def chat_sweep_abandoned() -> int:
    """End the waiting chats whose visitor left."""
    return services.chat_sweep_abandoned()
