"""What a ticket attachment may be: images and PDFs up to a size limit, checked by content."""

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
# Leading bytes of each allowed type; the uploaded name and declared type are not trusted.
SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"GIF87a": "image/gif",
    b"GIF89a": "image/gif",
    b"%PDF-": "application/pdf",
}
ALLOWED_LABEL = "PNG, JPEG, GIF, WebP, PDF"
# Only these are shown in the browser; anything else (PDF, or a type stored by another channel) is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Served attachments run nothing and embed nothing, even when opened directly.
ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def sniff_content_type(head: bytes) -> str | None:
    """Return the content type the first bytes of a file announce, or None if not allowed."""
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def attachment_validate(upload) -> str:
    """Return the upload's content type; raise ValidationError naming the limit it breaks."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than the limit of %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}]})
    head = upload.read(16)
    upload.seek(0)
    content_type = sniff_content_type(head)
    if content_type is None:
        raise ValidationError({"file": [_("Only these file types are allowed: %(types)s.") % {"types": ALLOWED_LABEL}]})
    return content_type


def attachment_response(attachment) -> FileResponse:
    """Return the attachment's file: images inline, anything else as a download, never sniffed or cached publicly.

    The caller has already checked that the viewer may see the attachment's ticket.
    """
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    inline = attachment.content_type in INLINE_TYPES
    known = inline or attachment.content_type in SIGNATURES.values()
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name or "attachment",
        content_type=attachment.content_type if known else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_store=True)
    return response
