"""Exports: a filtered customer list as CSV (masked for the viewer) and a personal-information request as JSON."""

import csv
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from customers.selectors import customer_everything, customer_list_for_viewer
from helpdesk.spreadsheets import row_safe

EXPORT_COLUMNS = ["id", "name", "phones", "emails", "addresses", "level", "tags", "city", "source", "birthday",
                  "has_marketing_consent", "has_survey_consent", "review_status", "created_at"]
MAX_EXPORT_ROWS = 100_000
CHUNK = 1000


class _Echo:
    def write(self, value):
        return value


def customer_rows_for_viewer(*, viewer, queryset):
    """Yield the export rows of a filtered list, masked by the gatekeeper selector, a chunk at a time."""
    last_id = None
    sent = 0
    while sent < MAX_EXPORT_ROWS:
        chunk_qs = queryset.order_by("-id")
        if last_id is not None:
            chunk_qs = chunk_qs.filter(id__lt=last_id)
        chunk = list(chunk_qs[:CHUNK])
        if not chunk:
            return
        for row in customer_list_for_viewer(viewer=viewer, customers=chunk):
            yield [
                "; ".join(row[c]) if isinstance(row[c], list) else ("" if row[c] is None else row[c])
                for c in EXPORT_COLUMNS
            ]
        sent += len(chunk)
        last_id = chunk[-1].pk


def customer_list_csv_response(*, viewer, queryset) -> StreamingHttpResponse:
    """Return the filtered list as a UTF-8 CSV (with BOM, so Excel reads the Chinese) streamed to the browser."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff" + writer.writerow(EXPORT_COLUMNS)
        for row in customer_rows_for_viewer(viewer=viewer, queryset=queryset):
            yield writer.writerow(row_safe(row))

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customers-{timezone.localdate():%Y%m%d}.csv"'
    return response


def customer_pii_json_response(*, customer) -> HttpResponse:
    """Return everything held about a customer as a JSON download."""
    body = json.dumps(customer_everything(customer=customer), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="customer-{customer.pk}-personal-data.json"'
    return response
