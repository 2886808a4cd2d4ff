"""Checks the apps built on tickets register for the records a ticket links to: tickets never import them."""

from collections.abc import Callable

# Filled when the apps are ready: each ``check(actor=, order=)`` raises ValidationError to refuse the link.
ORDER_CHECKS: list[Callable] = []


def order_check_register(check: Callable) -> None:
    """Have ``check(actor=, order=)`` decide whether an actor may link a ticket to an order."""
    if check not in ORDER_CHECKS:
        ORDER_CHECKS.append(check)


def order_link_check(*, actor, order) -> None:
    """Raise ValidationError when the actor may not link a ticket to the order (a person only; the system may)."""
    if actor is None or order is None:
        return
    for check in ORDER_CHECKS:
        check(actor=actor, order=order)
