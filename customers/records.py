"""Other apps' records of a customer, registered by those apps: the archive searches, counts, shows, exports and erases them.

The apps built on customers (orders, tickets, follow-ups) register here from their ``AppConfig.ready``;
customers never imports them.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class StatColumn:
    """One figure of the customer statistics: an aggregate of another app's rows of the customer.

    ``expression`` is SQL over the rows (alias ``x``), ``where`` an extra condition with ``params``;
    ``convert`` turns the database value into the figure (default: as it comes); ``default`` is the
    figure of an archive the statement did not find.
    """

    key: str
    model: type
    fk: str
    expression: str
    where: str = ""
    params: tuple = ()
    convert: Callable | None = None
    default: object = None


# Filled when the apps are ready; read on every request.
NUMBER_LOOKUPS: list[Callable] = []
STAT_COLUMNS: list[StatColumn] = []
EXPORT_SECTIONS: dict[str, Callable] = {}
TIMELINE_SOURCES: list[Callable] = []
TIMELINE_SOURCE_MODELS: set[str] = set()
ERASERS: list[Callable] = []
# Models whose rows reach the archive only through what their app registered, never as generic "other records".
REGISTERED_MODELS: set[str] = set()


def number_lookup_register(lookup: Callable, *, models) -> None:
    """Let the customer search find archives by another app's number: ``lookup(value)`` returns a ``values_list`` of customer ids."""
    if lookup not in NUMBER_LOOKUPS:
        NUMBER_LOOKUPS.append(lookup)
    REGISTERED_MODELS.update(models)


def stat_columns_register(columns: list[StatColumn], *, models) -> None:
    """Add figures to the customer statistics (the archive's header and the search results)."""
    known = {column.key for column in STAT_COLUMNS}
    STAT_COLUMNS.extend(column for column in columns if column.key not in known)
    REGISTERED_MODELS.update(models)


def export_section_register(key: str, section: Callable, *, models) -> None:
    """Add ``section(customer)`` (a list of plain dicts) under ``key`` to the personal-information export (PIPL)."""
    EXPORT_SECTIONS[key] = section
    REGISTERED_MODELS.update(models)


def timeline_source_register(source: Callable, *, models) -> None:
    """Add another app's rows to the customer timeline, rendered and scoped by that app.

    ``source(customer=, text=, viewer=)`` yields (kind, label, rows, rows the viewer may open, time field,
    render) tuples; the same queryset twice means the viewer may open them all. ``text`` masks free text for
    the viewer. ``models`` are the labels (``app.model``) it covers; the rows still count in stats, merges
    and exports.
    """
    if source not in TIMELINE_SOURCES:
        TIMELINE_SOURCES.append(source)
    TIMELINE_SOURCE_MODELS.update(models)


def eraser_register(erase: Callable) -> None:
    """Erase another app's copies of what a customer wrote when the archive is anonymized.

    ``erase(customer_id=, actor=)`` runs inside the anonymization's transaction and returns counts
    (``messages``, ``attachments``) for the archive's event.
    """
    if erase not in ERASERS:
        ERASERS.append(erase)
