"""Customer import files: CSV (UTF-8 or GBK) and XLSX, checked row by row, written all at once or valid rows only."""

import csv
import io
import logging
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from customers.contacts import email_validate, phone_validate
from customers.import_sql import contacts_existing, customers_insert
from customers.models import Customer, CustomerImport
from customers.services import customer_level_codes, customer_tags_sync

logger = logging.getLogger(__name__)

# Column → the headers accepted for it (English and Chinese, compared without case and spaces).
COLUMNS = {
    "name": ["name", "姓名", "客户名称", "客户姓名"],
    "phone": ["phone", "phones", "mobile", "手机", "手机号", "电话", "联系电话"],
    "email": ["email", "e-mail", "emails", "邮箱", "电子邮箱"],
    "city": ["city", "城市"],
    "level": ["level", "等级", "客户等级"],
    "tags": ["tags", "标签"],
    "source": ["source", "来源", "来源店铺"],
    "birthday": ["birthday", "生日"],
    "address": ["address", "地址", "收货地址"],
    "notes": ["notes", "备注"],
    "marketing_consent": ["marketing_consent", "营销许可", "同意营销"],
    "survey_consent": ["survey_consent", "调查许可", "同意调查"],
}
HEADER_LOOKUP = {alias.replace(" ", "").lower(): column for column, aliases in COLUMNS.items() for alias in aliases}
MAX_REPORTED_ERRORS = 1000
BATCH = 2000
WRITE_BATCH = 10_000
TRUE = {"1", "true", "yes", "y", "是", "同意"}
FALSE = {"", "0", "false", "no", "n", "否", "不同意"}
MULTI_SEPARATORS = (";", "；", ",", "，", "|", "、")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (encoding, header, format)."""


def progress_key(import_id: int) -> str:
    return f"customers:import:{import_id}:progress"


def import_progress(job: CustomerImport) -> dict:
    """Return the live progress of an import: the phase and rows done so far."""
    try:
        live = cache.get(progress_key(job.pk)) or {}
    except Exception:  # the cache backend's own connection errors
        live = {}
    phases = {"validating": _("Checking rows"), "writing": _("Writing customers")}
    phase = phases.get(live.get("phase"), job.get_status_display())
    return {"phase": phase, "done": live.get("done", job.processed_rows), "total": job.total_rows}


def _progress(job: CustomerImport, phase: str, done: int) -> None:
    """Publish live progress through the cache; an unreachable cache only costs the progress display."""
    try:
        cache.set(progress_key(job.pk), {"phase": phase, "done": done}, 3600)
    except Exception:  # the cache backend's own connection errors
        logger.warning("import %s: progress not published", job.pk, exc_info=True)


def rows_read(name: str, data: bytes) -> list[list[str]]:
    """Return the file's rows as lists of text, the header first; raise ImportFileError if unreadable."""
    if name.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a damaged file
            raise ImportFileError(_("The XLSX file could not be read: %(error)s") % {"error": exc}) from None
        sheet = workbook.worksheets[0]
        rows = [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        workbook.close()
        return rows
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("The file is neither UTF-8 nor GBK text."))
    if "\x00" in text:
        raise ImportFileError(_("The file is not a CSV text file."))
    return [row for row in csv.reader(io.StringIO(text))]


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def header_map(header: list[str]) -> list[str]:
    """Return the column of each header cell; raise ImportFileError for an unknown or missing column."""
    columns = []
    for cell in header:
        key = (cell or "").replace(" ", "").lower()
        if key not in HEADER_LOOKUP:
            raise ImportFileError(_("Unknown column “%(column)s”. Allowed columns: %(allowed)s.")
                                  % {"column": cell, "allowed": ", ".join(COLUMNS)})
        columns.append(HEADER_LOOKUP[key])
    if len(set(columns)) != len(columns):
        raise ImportFileError(_("A column appears twice in the header."))
    if "name" not in columns or not {"phone", "email"} & set(columns):
        raise ImportFileError(_("The header needs a name column and a phone or e-mail column."))
    return columns


def _split(value: str) -> list[str]:
    for separator in MULTI_SEPARATORS[1:]:
        value = value.replace(separator, MULTI_SEPARATORS[0])
    return [part.strip() for part in value.split(MULTI_SEPARATORS[0]) if part.strip()]


def row_clean(record: dict, levels: list[str]) -> tuple[dict, list[tuple[str, str]]]:
    """Return the row as archive fields and its errors as (column, message) pairs."""
    errors = []
    name = record.get("name", "").strip()
    if not name:
        errors.append(("name", _("Name is required.")))
    elif len(name) > 64:
        errors.append(("name", _("At most 64 characters.")))
    phones, emails = [], []
    for raw in _split(record.get("phone", "")):
        try:
            phones.append(phone_validate(raw))
        except ValidationError as exc:
            errors.append(("phone", exc.messages[0]))
    for raw in _split(record.get("email", "")):
        try:
            emails.append(email_validate(raw))
        except ValidationError as exc:
            errors.append(("email", exc.messages[0]))
    if not phones and not emails and not any(c in ("phone", "email") for c, _m in errors):
        errors.append(("phone", _("A phone or an e-mail is required.")))
    level = record.get("level", "").strip().lower() or Customer.Level.NORMAL
    if level not in levels:
        errors.append(("level", _("Unknown customer level.")))
    birthday = None
    if record.get("birthday", "").strip():
        try:
            birthday = parse_date(record["birthday"].strip())
        except ValueError:
            birthday = None
        if birthday is None:
            errors.append(("birthday", _("Enter a valid date (YYYY-MM-DD).")))
    consents = {}
    for column in ("marketing_consent", "survey_consent"):
        value = record.get(column, "").strip().lower()
        if value not in TRUE | FALSE:
            errors.append((column, _("Use 1/0, yes/no or 是/否.")))
        consents[column] = value in TRUE if column in record else column == "survey_consent"
    for column, limit in (("city", 64), ("source", 64), ("address", 255)):
        if len(record.get(column, "")) > limit:
            errors.append((column, _("At most %(limit)s characters.") % {"limit": limit}))
    fields = {
        "name": name, "phones": list(dict.fromkeys(phones)), "emails": list(dict.fromkeys(emails)),
        "city": record.get("city", "").strip(), "level": level, "tags": _split(record.get("tags", "")),
        "source": record.get("source", "").strip(), "birthday": birthday,
        "addresses": [record["address"].strip()] if record.get("address", "").strip() else [],
        "notes": record.get("notes", "").strip(),
        "has_marketing_consent": consents["marketing_consent"], "has_survey_consent": consents["survey_consent"],
    }
    return fields, errors


def import_execute(job: CustomerImport) -> CustomerImport:
    """Validate every row of a running import, then write according to its mode; the job ends done or failed."""
    try:
        with job.file.open("rb") as handle:
            rows = rows_read(job.original_name, handle.read())
        if not rows:
            raise ImportFileError(_("The file is empty."))
        columns = header_map(rows[0])
    except ImportFileError as exc:
        return _finish(job, CustomerImport.Status.FAILED, message=str(exc))
    body = [row for row in rows[1:] if any((cell or "").strip() for cell in row)]
    job.total_rows = len(body)
    job.save(update_fields=["total_rows"])
    levels = customer_level_codes()
    cleaned, errors = [], []
    for number, row in enumerate(body, start=2):
        record = dict(zip(columns, ((cell or "").strip() for cell in row)))
        if len(row) > len(columns) and any(cell.strip() for cell in row[len(columns):]):
            errors.append({"row": number, "column": "", "message": _("More cells than header columns.")})
            continue
        fields, row_errors = row_clean(record, levels)
        if row_errors:
            errors.extend({"row": number, "column": c, "message": m} for c, m in row_errors)
        else:
            cleaned.append((number, fields))
        if number % BATCH == 0:
            _progress(job, "validating", number - 1)
    # Phones or e-mails already in the archive, or twice in the file, are row errors too.
    existing = contacts_existing([v for _n, f in cleaned for v in f["phones"] + f["emails"]])
    seen: set[str] = set()
    valid = []
    for number, fields in cleaned:
        values = fields["phones"] + fields["emails"]
        clash = [v for v in values if v in existing or v in seen]
        seen.update(values)
        if clash:
            errors.append({"row": number, "column": "phone" if clash[0] in fields["phones"] else "email",
                           "message": _("Already in the archive or earlier in the file.")})
        else:
            valid.append(fields)
    error_rows = len({e["row"] for e in errors})
    job.error_count = error_rows
    job.errors = sorted(errors, key=lambda e: e["row"])[:MAX_REPORTED_ERRORS]
    job.processed_rows = job.total_rows
    if error_rows and job.mode == CustomerImport.Mode.ALL_OR_NOTHING:
        return _finish(job, CustomerImport.Status.FAILED,
                       message=_("%(count)s rows have errors; nothing was imported.") % {"count": error_rows})
    _write(job, valid)
    return _finish(job, CustomerImport.Status.DONE, created=len(valid))


@transaction.atomic
def _write(job: CustomerImport, valid: list[dict]) -> None:
    """Insert the valid rows in batches, with their tag rows, inside one transaction so a failure leaves nothing behind."""
    now = timezone.now()
    for start in range(0, len(valid), WRITE_BATCH):
        batch = valid[start:start + WRITE_BATCH]
        ids = customers_insert(batch, actor_id=job.created_by_id, note=job.original_name[:200], now=now)
        customer_tags_sync(customer_ids=ids)
        _progress(job, "writing", start + len(batch))


def _finish(job: CustomerImport, status: str, *, message: str = "", created: int = 0) -> CustomerImport:
    job.status, job.message, job.created_count, job.finished_at = status, message, created, timezone.now()
    job.save(update_fields=["status", "message", "created_count", "finished_at", "total_rows", "processed_rows",
                            "error_count", "errors"])
    try:
        cache.delete(progress_key(job.pk))
    except Exception:  # the cache backend's own connection errors
        logger.warning("import %s: progress not cleared", job.pk, exc_info=True)
    return job
