"""A file the browser saves: how the export pages send their CSV, XLSX and PDF files."""

from flask import Response

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(body, mimetype: str, filename: str, length: int | None = None) -> Response:
    """`body` (bytes, or an iterable to stream) saved as `filename`; never cached, as exports
    hold children's details."""
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    if length is not None:
        response.content_length = length
    return response
