"""Bulk order import from CSV or XLSX: one row per item, rows of an order together; bad orders are reported, never half-made.

Columns: order_number, customer_phone, customer_name, status, placed_at, delivered_at, shop,
payment_method, shipping_fee, sku, item_name, spec, quantity, unit_price, shipped_at. An order whose
number already exists is skipped (re-importing a file changes nothing). Rows go in by COPY. Each order
is checked whole by ``orders.validation`` (phone, status and times, amounts) and written whole or not
at all; each refused order is one line of the report, with its row, field and reason.
"""

import csv
import io
import queue
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.models import Customer
from helpdesk.enqueue import SWEEP_BATCH, SWEEP_GRACE, enqueue_each, enqueue_on_commit
from orders.import_copy import NULL, chunk_transaction_prepare, ids_reserve, rows_copy
from orders.models import Order, OrderImport, OrderItem
from orders.validation import order_errors, order_phone_clean, order_total

COLUMNS = ["order_number", "customer_phone", "customer_name", "status", "placed_at", "delivered_at", "shop",
           "payment_method", "shipping_fee", "sku", "item_name", "spec", "quantity", "unit_price", "shipped_at"]
# Read from an order's first row: the order's own fields; every row carries an item.
ORDER_COLUMNS = ["customer_phone", "customer_name", "status", "placed_at", "delivered_at", "shop", "payment_method",
                 "shipping_fee", "shipped_at"]
ITEM_COLUMNS = ["sku", "item_name", "spec", "quantity", "unit_price"]
REQUIRED = ["order_number", "customer_phone", "status", "placed_at", "sku", "item_name", "quantity", "unit_price"]
CHUNK_ORDERS = 20_000
MAX_ERRORS = 1000
STATUSES = set(Order.Status.values)


class ImportFileError(ValueError):
    """The file cannot be read as an order import at all (wrong columns, not CSV/XLSX)."""


@dataclass
class ParsedOrder:
    number: str
    phone: str
    name: str
    status: str
    placed_at: datetime
    delivered_at: datetime | None
    shop: str
    payment_method: str
    shipping_fee: Decimal
    items: list = field(default_factory=list)  # (sku, name, spec, quantity, unit_price)
    error: str = ""
    first_row: int = 0
    last_row: int = 0
    placed_text: str = ""  # as written in the file, for COPY
    delivered_text: str = ""
    shipped_at: datetime | None = None
    shipped_text: str = ""
    error_field: str = ""


def _when(text: str) -> datetime | None:
    if not text:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else timezone.make_aware(value)


def rows_read(file, name: str, *, columns: list[str] = COLUMNS, required: list[str] = REQUIRED):
    """Yield rows from a CSV (UTF-8, optional BOM) or XLSX file as lists in ``columns`` order; check the header first.

    Other imports (shop reviews) pass their own columns and the required ones.
    """
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        sheet = load_workbook(file, read_only=True, data_only=True).active
        rows = sheet.iter_rows(values_only=True)
        header = [str(h or "").strip() for h in next(rows, [])]
        source = ([("" if v is None else (v.isoformat() if isinstance(v, datetime) else str(v))) for v in row] for row in rows)
    else:
        text = io.TextIOWrapper(file, encoding="utf-8-sig", newline="")
        reader = csv.reader(text)
        header = [h.strip() for h in next(reader, [])]
        source = reader
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportFileError(f"missing columns: {', '.join(missing)}")
    if header[: len(columns)] == columns:
        width = len(columns)
        for row in source:  # the usual layout: no reordering, the hot path of a million-order import
            yield [v.strip() for v in row[:width]] if len(row) >= width else [*(v.strip() for v in row), *[""] * (width - len(row))]
        return
    index = [header.index(c) if c in header else None for c in columns]
    for row in source:
        yield [(row[i] or "").strip() if i is not None and i < len(row) else "" for i in index]


def orders_parse(rows):
    """Group consecutive rows of one order; yield ParsedOrder with ``error`` set for a bad one."""
    current = None
    for line, row in enumerate(rows, start=2):
        key, phone, name, status, placed, delivered, shop, payment, fee, sku, item_name, spec, quantity, price, shipped = row
        if current is None or key != current.number:
            if current is not None:
                yield _order_checked(current)
            current = ParsedOrder(number=key, phone=phone, name=name, status=status, placed_at=None, delivered_at=None,
                                  shop=shop, payment_method=payment, shipping_fee=Decimal("0"), first_row=line,
                                  placed_text=placed, delivered_text=delivered, shipped_text=shipped)
            try:
                if not key or not phone:
                    raise ValueError("order_number and customer_phone are required")
                if status not in STATUSES:
                    raise ValueError(f"unknown status {status!r}")
                current.placed_at = _when(placed)
                if current.placed_at is None:
                    raise ValueError("placed_at is required")
                current.delivered_at = _when(delivered)
                current.shipped_at = _when(shipped)
                current.shipping_fee = Decimal(fee or "0")
            except (ValueError, InvalidOperation) as exc:
                current.error = current.error or f"row {line}: {exc}"
        current.last_row = line
        if current.error:
            continue
        try:
            count, amount = int(quantity), Decimal(price)
            if count < 1 or amount < 0 or not sku or not item_name:
                raise ValueError("sku, item_name, a quantity ≥ 1 and a price ≥ 0 are required")
            current.items.append((sku, item_name, spec, count, amount))
        except (ValueError, InvalidOperation) as exc:
            current.error = f"row {line}: {exc}"
    if current is not None:
        yield _order_checked(current)


def order_head_check(*, row: int, phone: str, status: str, placed_at: datetime, shipped_at: datetime | None,
                     delivered_at: datetime | None) -> tuple[str, str, str]:
    """Check an order's own fields from its first row with ``orders.validation``; return (phone, field, reason).

    ``phone`` is the normalized phone to store; ``field`` and ``reason`` are empty for a good order. Both
    import paths call this: the amounts of an import are the lines' own, checked row by row.
    """
    try:
        phone = order_phone_clean(phone)
    except ValidationError as exc:
        return phone, "customer_phone", f"row {row}: {exc.messages[0]}"
    errors = order_errors(status=status, placed_at=placed_at, paid_at=placed_at, shipped_at=shipped_at,
                          delivered_at=delivered_at)
    for name, messages in errors.items():
        return phone, name, f"row {row}: {messages[0]}"
    return phone, "", ""


def _order_checked(order: ParsedOrder) -> ParsedOrder:
    """Return the parsed order with its phone normalized, or with ``error`` set when the order is not consistent."""
    if not order.error:
        order.phone, order.error_field, order.error = order_head_check(
            row=order.first_row, phone=order.phone, status=order.status, placed_at=order.placed_at,
            shipped_at=order.shipped_at, delivered_at=order.delivered_at)
    return order


# The column a reason of the row checks names (the reasons of the shared check come with their field).
_REASON_FIELDS = (("a quantity", "quantity"), ("a unit price", "unit_price"), ("unknown status", "status"),
                  ("sku", "sku"), ("order_number", "order_number"), ("placed_at, shipped_at or delivered_at", ""),
                  *((column, column) for column in COLUMNS))


def import_error(*, number: str, error: str, field: str = "") -> dict:
    """Return one line of the import report: the order, the row, the field and the reason (``error`` is "row N: …")."""
    head, _sep, message = error.partition(": ")
    row = int(head[4:]) if head.startswith("row ") and head[4:].isdigit() else None
    if not field:
        field = next((f for prefix, f in _REASON_FIELDS if message.startswith(prefix)), "")
    return {"order_number": number, "row": row, "field": field, "message": message, "error": error}


def _chunk_write(orders: list[ParsedOrder]) -> tuple[int, int]:
    """Write a chunk of good orders; return (created, skipped as already present)."""
    numbers = [o.number for o in orders]
    present = set(Order.objects.filter(number__in=numbers).values_list("number", flat=True))
    seen: set[str] = set()
    fresh = []
    for o in orders:
        if o.number not in present and o.number not in seen:
            fresh.append(o)
            seen.add(o.number)
    if not fresh:
        return 0, len(orders)
    phones = {o.phone for o in fresh}
    customers = dict(Customer.objects.filter(phone__in=phones).order_by("-pk").values_list("phone", "pk"))
    missing = [o for o in {o.phone: o for o in fresh if o.phone not in customers}.values()]
    if missing:
        # New archives without tags: they have no tag rows to write.
        created = Customer.objects.bulk_create(
            [Customer(name=o.name or o.phone, phone=o.phone, source=o.shop) for o in missing])
        customers.update({c.phone: c.pk for c in created})
    stamp = timezone.now().isoformat()
    ids = ids_reserve(Order._meta.db_table, len(fresh))
    rows_copy(Order._meta.db_table,
              ["id", "number", "customer_id", "shop", "status", "total_amount", "shipping_fee", "payment_method", "carrier",
               "tracking_number", "placed_at", "paid_at", "shipped_at", "delivered_at", "created_at", "updated_at"],
              ((pk, o.number, customers[o.phone], o.shop, o.status,
                order_total(lines=[(q, p) for _s, _n, _sp, q, p in o.items], shipping_fee=o.shipping_fee),
                o.shipping_fee, o.payment_method, "", "", o.placed_text, o.placed_text, o.shipped_text or NULL,
                o.delivered_text or NULL, stamp, stamp) for pk, o in zip(ids, fresh)))
    rows_copy(OrderItem._meta.db_table, ["order_id", "sku", "name", "spec", "quantity", "unit_price"],
              ((pk, *item) for pk, o in zip(ids, fresh) for item in o.items))
    return len(fresh), len(orders) - len(fresh)


def _chunk_flush(chunk: list[ParsedOrder]) -> tuple[int, int]:
    """Write one chunk in its own transaction."""
    with transaction.atomic():
        chunk_transaction_prepare()
        return _chunk_write(chunk)


class _Writer:
    """Write chunks on a second thread and database connection while the file is still being parsed."""

    def __init__(self, result: dict, progress):
        self.result, self.progress = result, progress
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        try:
            while (item := self.queue.get()) is not None:
                chunk, rows = item
                if self.error is None:
                    created, skipped = _chunk_flush(chunk)
                    self.result["created"] += created
                    self.result["skipped"] += skipped
                    self.result["rows"] = rows
                    self.progress and self.progress(self.result)
        except BaseException as exc:  # noqa: BLE001 - re-raised on the importing thread
            self.error = exc
            while self.queue.get() is not None:
                pass
        finally:
            connection.close()

    def put(self, chunk, rows):
        self.queue.put((chunk, rows))

    def finish(self):
        self.queue.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def orders_import(file, *, name: str, progress=None) -> dict:
    """Import every good order of the file in chunks; return counts and the refused orders with the reason."""
    from orders.import_staging import orders_import_staged, staged_import_possible

    if staged_import_possible(file, name):
        return orders_import_staged(file, name=name, progress=progress)
    result = {"rows": 0, "created": 0, "skipped": 0, "refused": 0, "errors": []}
    chunk: list[ParsedOrder] = []
    # Parsing and writing overlap, unless the caller holds a transaction the second connection cannot see.
    writer = None if connection.in_atomic_block else _Writer(result, progress)
    rows = 0

    def flush():
        if writer is not None:
            writer.put(list(chunk), rows)
        else:
            created, skipped = _chunk_flush(chunk)
            result["created"] += created
            result["skipped"] += skipped
            result["rows"] = rows
            progress and progress(result)
        chunk.clear()

    try:
        for parsed in orders_parse(rows_read(file, name)):
            rows = parsed.last_row - 1  # data rows read so far (line 1 is the header)
            if parsed.error:
                if len(result["errors"]) < MAX_ERRORS:
                    result["errors"].append(import_error(number=parsed.number, error=parsed.error,
                                                         field=parsed.error_field))
                result["refused"] += 1
                continue
            chunk.append(parsed)
            if len(chunk) >= CHUNK_ORDERS:
                flush()
        if chunk:
            flush()
    finally:
        if writer is not None:
            writer.finish()
    result["rows"] = rows
    return result


def import_file_name_validate(name: str) -> None:
    """Raise ValidationError unless the file is named as a CSV or XLSX file."""
    if not (name or "").lower().endswith((".csv", ".xlsx")):
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="invalid_file")


def order_import_create(*, actor, upload) -> OrderImport:
    """Store an uploaded CSV/XLSX file as a pending import and run it in the background once committed."""
    from orders import tasks

    with transaction.atomic():
        job = OrderImport.objects.create(file=upload, created_by=actor)
        enqueue_on_commit(tasks.order_import_run, order_import_id=job.pk)
    return job


def order_import_sweep_pending(*, now=None) -> int:
    """Send the run again for imports still pending after the grace period; return how many were sent."""
    from orders import tasks

    cutoff = (now or timezone.now()) - SWEEP_GRACE
    ids = (OrderImport.objects.filter(status=OrderImport.Status.PENDING, created_at__lte=cutoff)
           .order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    return enqueue_each(tasks.order_import_run, "order_import_id", list(ids))


def order_import_run(*, order_import_id: int) -> None:
    """Run an uploaded import, recording progress on its row; repeat-safe (only a pending import starts)."""
    if not OrderImport.objects.filter(pk=order_import_id, status=OrderImport.Status.PENDING).update(
            status=OrderImport.Status.RUNNING):
        return
    job = OrderImport.objects.get(pk=order_import_id)

    def progress(result):
        OrderImport.objects.filter(pk=job.pk).update(rows_done=result["rows"], orders_created=result["created"],
                                                     orders_skipped=result["skipped"])

    try:
        with job.file.open("rb") as handle:
            result = orders_import(handle, name=job.file.name, progress=progress)
    except (ImportFileError, UnicodeDecodeError, csv.Error, ValueError) as exc:
        OrderImport.objects.filter(pk=job.pk).update(status=OrderImport.Status.FAILED, errors=[{"error": str(exc)}],
                                                     finished_at=timezone.now())
        return
    OrderImport.objects.filter(pk=job.pk).update(
        status=OrderImport.Status.DONE, rows_total=result["rows"], rows_done=result["rows"],
        orders_created=result["created"], orders_skipped=result["skipped"], errors=result["errors"],
        finished_at=timezone.now())
