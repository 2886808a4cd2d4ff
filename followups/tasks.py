"""Thin Celery tasks over the follow-up services.

The task names keep their ``customers.`` prefix: messages already queued and the beat schedule name them so.
"""

from celery import shared_task

from followups import services


@shared_task(name="customers.visit_sweep_due", expires=50)
def visit_sweep_due() -> int:
    """Create the follow-up visits every active rule makes due, once each (safe to repeat)."""
    return services.visit_sweep_due()


@shared_task(name="customers.visit_sweep_messages_due", expires=50)
def visit_sweep_messages_due() -> int:
    """Send the due survey and greeting messages (outside quiet hours)."""
    return services.visit_sweep_messages_due()


@shared_task(name="customers.message_deliver", expires=3600)
def message_deliver(*, message_id: int) -> str:
    """Send one queued message to a customer (safe to repeat: only a queued message is sent)."""
    message = services.message_deliver(message_id=message_id)
    return message.status if message else "missing"


@shared_task(name="customers.message_sweep_queued", expires=50)
def message_sweep_queued() -> int:
    """Deliver the queued messages now due: held for quiet hours, the cap or a retry, or whose task was lost."""
    return services.message_sweep_queued()
