"""Uploaded files are served by a view that first checks who asks, never from a public
folder: a pact scan or an evidence file is as private as the work it belongs to."""

import mimetypes
from pathlib import PurePosixPath

from django.http import FileResponse, Http404

#: Types a browser may show inline; anything else is downloaded.
INLINE_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}


def file_response(field_file) -> FileResponse:
    """Stream a stored file (a FieldFile) through Django's storage API, so it works the
    same on the local disk and on an S3-compatible store."""
    if not field_file:
        raise Http404
    name = PurePosixPath(field_file.name).name
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    try:
        handle = field_file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=content_type not in INLINE_TYPES,
        filename=name,
        content_type=content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
