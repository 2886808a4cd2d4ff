"""Serve KPI files (a finished report, a scorecard export); callers have already checked the viewer may read them."""

from django.http import FileResponse, Http404, HttpResponse

from kpi.models import Report

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "csv": "text/csv; charset=utf-8",
}


def report_file_response(report: Report, file_format: str) -> FileResponse:
    """Return the report's XLSX or CSV as a download; 404 while it is not ready or for an unknown format."""
    if file_format not in CONTENT_TYPES or report.status != Report.Status.DONE:
        raise Http404
    stored = getattr(report, file_format)
    if not stored:
        raise Http404
    response = FileResponse(stored.open("rb"), as_attachment=True, filename=stored.name.rsplit("/", 1)[-1],
                            content_type=CONTENT_TYPES[file_format])
    response["Cache-Control"] = "private, no-store"
    return response


def table_response(content: bytes, *, filename: str, file_format: str) -> HttpResponse:
    """Return generated XLSX or CSV bytes as a download."""
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "private, no-store"
    return response
