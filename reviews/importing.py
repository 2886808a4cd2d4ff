"""Shop reviews from a CSV or XLSX export, read with the order import's reader, each row through the intake."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from orders.importing import ImportFileError, import_file_name_validate, rows_read
from reviews.api.serializers import ReviewInSerializer
from reviews.services import review_receive

COLUMNS = ["shop", "platform_review_id", "order_number", "sku", "rating", "text", "images", "reviewed_at"]
REQUIRED = ["shop", "platform_review_id", "rating", "reviewed_at"]
MAX_ROWS = 5000


def reviews_import(file, *, name: str, actor) -> dict:
    """Receive every row of the file as a review; return counts and the refused rows (row number, field errors).

    ``images`` holds URLs separated by spaces. A repeated row changes nothing, a changed one is a revision.
    Raises ValidationError for a file that is not CSV/XLSX, lacks a required column or has more than MAX_ROWS rows.
    """
    import_file_name_validate(name)
    try:
        rows = list(rows_read(file, name, columns=COLUMNS, required=REQUIRED))
    except (ImportFileError, UnicodeDecodeError, ValueError, KeyError) as exc:
        raise ValidationError({"file": [_("The file cannot be read as a review import: %(error)s") % {"error": exc}]}) from None
    if len(rows) > MAX_ROWS:
        raise ValidationError({"file": [_("At most %(max)s rows per file.") % {"max": MAX_ROWS}]})
    counts, errors = {"created": 0, "revised": 0, "unchanged": 0}, []
    for number, row in enumerate(rows, start=2):
        record = dict(zip(COLUMNS, row, strict=True))
        record["images"] = record["images"].split()
        serializer = ReviewInSerializer(data=record)
        if not serializer.is_valid():
            errors.append({"row": number, "errors": serializer.errors})
            continue
        _review, created, changed = review_receive(data=serializer.validated_data, source="import", actor=actor)
        counts["created" if created else "revised" if changed else "unchanged"] += 1
    return {**counts, "refused": errors}
