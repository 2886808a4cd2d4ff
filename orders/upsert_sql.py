"""The shop sync's statements: lock, read and write an existing order in three round trips; record a webhook once.

The ORM takes seven statements (lock, lines, update, history row, customer name, history) at ~0.3 ms of
query building each; the shop write path answers a few hundred requests per second, so an existing
order is handled with precompiled SQL. Each statement runs after the order's row lock is held, so it
reads what concurrent upserts of the same order committed before it (READ COMMITTED). A webhook's
delivery is recorded with one ``INSERT … ON CONFLICT DO NOTHING RETURNING``, where ``get_or_create``
takes a read, a savepoint and an insert.
"""

from dataclasses import dataclass

from django.db import connection

from customers.models import Customer
from orders.models import Order, OrderItem, OrderStatusChange, WebhookDelivery

_ORDER_COLUMNS = [f.column for f in Order._meta.concrete_fields]
_ORDER_FIELDS = [f.attname for f in Order._meta.concrete_fields]

_ITEM_FIELDS = ["id", "order_id", "sku", "name", "spec", "quantity", "unit_price"]
_HISTORY_FIELDS = ["id", "order_id", "from_status", "to_status", "source", "changed_at"]

_LOCK = (f"SELECT {', '.join(_ORDER_COLUMNS)} FROM {Order._meta.db_table} WHERE number = %s FOR UPDATE")

_RELATED = f"""
SELECT c.name, i.ids, i.skus, i.names, i.specs, i.quantities, i.prices, h.ids, h.froms, h.tos, h.sources, h.ats
FROM {Customer._meta.db_table} c
CROSS JOIN LATERAL (
  SELECT array_agg(id ORDER BY id) ids, array_agg(sku ORDER BY id) skus, array_agg(name ORDER BY id) names,
         array_agg(spec ORDER BY id) specs, array_agg(quantity ORDER BY id) quantities,
         array_agg(unit_price ORDER BY id) prices
  FROM {OrderItem._meta.db_table} WHERE order_id = %(order)s) i
CROSS JOIN LATERAL (
  SELECT array_agg(id ORDER BY changed_at, id) ids, array_agg(from_status ORDER BY changed_at, id) froms,
         array_agg(to_status ORDER BY changed_at, id) tos, array_agg(source ORDER BY changed_at, id) sources,
         array_agg(changed_at ORDER BY changed_at, id) ats
  FROM {OrderStatusChange._meta.db_table} WHERE order_id = %(order)s) h
WHERE c.id = %(customer)s
"""

_DELIVERY_INSERT = (f"INSERT INTO {WebhookDelivery._meta.db_table} (event_id, topic, order_number, received_at) "
                    "VALUES (%s, %s, %s, now()) ON CONFLICT (event_id) DO NOTHING RETURNING id")

_HISTORY_INSERT = (f"INSERT INTO {OrderStatusChange._meta.db_table} (order_id, from_status, to_status, source, changed_at) "
                   "VALUES (%s, %s, %s, %s, %s) RETURNING id")


def order_lock(number: str) -> Order | None:
    """Return the order with this shop number, its row locked until the transaction ends (None when there is none)."""
    with connection.cursor() as cursor:
        cursor.execute(_LOCK, [number])
        row = cursor.fetchone()
    return None if row is None else Order.from_db(connection.alias, _ORDER_FIELDS, row)


@dataclass
class OrderRelated:
    """What the lock holder read beside the order: its customer's name, its lines (by id) and its status history.

    ``items`` is None once the lines were changed after the read: whoever needs them reads them again.
    """

    customer_name: str
    items: list[OrderItem] | None
    history: list[OrderStatusChange]


def order_related_load(order: Order) -> OrderRelated:
    """Return the order's customer name, lines and status history, read in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_RELATED, {"order": order.pk, "customer": order.customer_id})
        name, *item_columns, ids, froms, tos, sources, ats = cursor.fetchone()
    lines = [OrderItem.from_db(connection.alias, _ITEM_FIELDS, (pk, order.pk, *values))
             for pk, *values in zip(*(column or [] for column in item_columns))]
    history = [OrderStatusChange.from_db(connection.alias, _HISTORY_FIELDS, (pk, order.pk, *values))
               for pk, *values in zip(ids or [], froms or [], tos or [], sources or [], ats or [])]
    return OrderRelated(customer_name=name, items=lines, history=history)


def order_write(order: Order, fields: list[str], status_change: OrderStatusChange | None) -> None:
    """Write these fields of the order (and ``updated_at``) and insert the status change, in one statement."""
    order.updated_at = Order._meta.get_field("updated_at").pre_save(order, add=False)
    columns = [Order._meta.get_field(name) for name in [*fields, "updated_at"]]
    assignments = ", ".join(f"{field.column} = %s" for field in columns)
    params = [field.get_db_prep_save(getattr(order, field.attname), connection) for field in columns]
    update = f"UPDATE {Order._meta.db_table} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        if status_change is None:
            cursor.execute(update, [*params, order.pk])
            return
        status_change.changed_at = order.updated_at
        cursor.execute(f"WITH changed AS ({update}) {_HISTORY_INSERT}",
                       [*params, order.pk, order.pk, status_change.from_status, status_change.to_status,
                        status_change.source, status_change.changed_at])
        status_change.pk = cursor.fetchone()[0]


def webhook_delivery_insert(*, event_id: str, topic: str, number: str) -> bool:
    """Record a webhook delivery; return False when this event id was recorded before."""
    with connection.cursor() as cursor:
        cursor.execute(_DELIVERY_INSERT, [event_id, topic, number])
        return cursor.fetchone() is not None
