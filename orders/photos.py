"""Photos of return requests (evidence, inspection): what may be uploaded, recognised by content, not by name."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS_PER_REQUEST = 12
STAGES = ("application", "inspection")


def photo_type(upload) -> str:
    """Return the image type the file's first bytes show (JPEG, PNG, WebP, HEIC), or "" for anything else."""
    position = upload.tell() if hasattr(upload, "tell") else 0
    head = upload.read(16)
    upload.seek(position)
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[4:8] == b"ftyp" and head[8:12] in (b"heic", b"heix", b"mif1", b"msf1", b"heis"):
        return "image/heic"
    return ""


def photo_validate(upload) -> str:
    """Return the photo's content type, or raise ValidationError (field "file") for a wrong type or size."""
    if upload is None:
        raise ValidationError({"file": [_("Choose a photo to upload.")]})
    if upload.size > MAX_PHOTO_BYTES:
        raise ValidationError({"file": [_("A photo may be at most %(mb)d MB.") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}]})
    if upload.size == 0:
        raise ValidationError({"file": [_("The photo is empty.")]})
    kind = photo_type(upload)
    if not kind:
        raise ValidationError({"file": [_("Photos must be JPEG, PNG, WebP or HEIC images.")]})
    return kind
