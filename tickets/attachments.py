"""What a ticket attachment may be: what shops receive (images, PDF, office documents, text, zip, e-mail), checked by content."""

import os

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
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old Office files (and Windows installers: the name decides)
# Containers whose kind only the name tells: an Office Open XML file is a zip, an old Office file an OLE store.
BY_EXTENSION = {
    ZIP: {".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
          ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
          ".zip": "application/zip"},
    OLE: {".doc": "application/msword", ".xls": "application/vnd.ms-excel", ".ppt": "application/vnd.ms-powerpoint"},
}
TEXT_TYPES = {".txt": "text/plain", ".csv": "text/csv", ".log": "text/plain", ".eml": "message/rfc822"}
ALLOWED_LABEL = "PNG, JPEG, GIF, WebP, PDF, Word, Excel, PowerPoint, ZIP, TXT, CSV, EML"
# Programs and scripts, by name and by their first bytes: never kept, whatever they claim to be.
EXECUTABLE_EXTENSIONS = frozenset({
    ".exe", ".dll", ".com", ".scr", ".pif", ".cpl", ".msi", ".msp", ".bat", ".cmd", ".ps1", ".psm1", ".vbs", ".vbe",
    ".js", ".jse", ".wsf", ".wsh", ".hta", ".jar", ".apk", ".app", ".sh", ".bash", ".run", ".bin", ".elf", ".lnk",
    ".reg", ".scf", ".iso", ".dmg", ".deb", ".rpm",
})
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf",
                    b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"dex\n")
# Only these are shown in the browser; anything else is downloaded.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
KNOWN_TYPES = (INLINE_TYPES | set(SIGNATURES.values()) | set(TEXT_TYPES.values())
               | {t for types in BY_EXTENSION.values() for t in types.values()})
# What a download answers as: a known type, else bytes (in the API schema, octet-stream first).
DOWNLOAD_TYPES = ["application/octet-stream", *sorted(KNOWN_TYPES - {"application/octet-stream"})]
# Served attachments run nothing and embed nothing, even when opened directly.
ATTACHMENT_CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


def sniff_content_type(head: bytes) -> str | None:
    """Return the image or PDF type the first bytes of a file announce, or None."""
    for signature, content_type in SIGNATURES.items():
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def is_executable(name: str, head: bytes) -> bool:
    """Whether the file is a program or a script, by its name or its first bytes."""
    return os.path.splitext(name.lower())[1] in EXECUTABLE_EXTENSIONS or head.startswith(EXECUTABLE_MAGIC)


def file_content_type(name: str, head: bytes) -> str | None:
    """Return the type of an allowed file from its first bytes (and, for containers and text, its name), or None."""
    extension = os.path.splitext(name.lower())[1]
    if is_executable(name, head):
        return None
    found = sniff_content_type(head)
    if found:
        return found
    for container, types in BY_EXTENSION.items():
        if head.startswith(container):
            return types.get(extension)
    if extension in TEXT_TYPES and b"\x00" not in head:
        return TEXT_TYPES[extension]
    return None


def attachment_validate(upload) -> str:
    """Return the upload's content type; raise ValidationError naming the limit it breaks."""
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": [_("The file is larger than the limit of %(mb)d MB.") % {"mb": MAX_BYTES // (1024 * 1024)}]})
    head = upload.read(4096)
    upload.seek(0)
    name = os.path.basename(getattr(upload, "name", "") or "")
    if is_executable(name, head):
        raise ValidationError({"file": [_("Programs and scripts are not accepted: %(name)s.") % {"name": name}]})
    content_type = file_content_type(name, head)
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
    known = attachment.content_type in KNOWN_TYPES
    response = FileResponse(
        handle, as_attachment=not inline, filename=attachment.name or "attachment",
        content_type=attachment.content_type if known else "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = ATTACHMENT_CSP
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    patch_cache_control(response, private=True, no_store=True)
    return response
