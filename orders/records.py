"""What apps above orders show on an order's page, registered from their ``AppConfig.ready``."""

from collections.abc import Callable

ORDER_SECTIONS: list[Callable] = []


def order_section_register(section: Callable) -> None:
    """Add a section to the order page: ``section(order=, viewer=)`` returns (title, rows) or None to show nothing.

    Each row is (text, detail, url or ""); the registering app scopes the rows to the viewer.
    """
    if section not in ORDER_SECTIONS:
        ORDER_SECTIONS.append(section)


def order_sections(*, order, viewer) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """Return the registered sections of this order the viewer may see."""
    return [shown for section in ORDER_SECTIONS if (shown := section(order=order, viewer=viewer))]
