"""What an uploaded file may be: its size by kind, its kind told by its content (the first
bytes), never by its name alone, and for photos a size in pixels that is safe to decode.

Each check raises ``ValidationError`` with a sentence a person can act on. Forms use the
fields below; actions that take a file from elsewhere (the demo, a test) call
``check_upload`` themselves. Limits are settings (``LABINOV_MAX_*``, see .env.example).
"""

import io
import math
import warnings
from pathlib import PurePosixPath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.utils import formats
from django.utils.functional import lazy
from django.utils.translation import gettext as _

#: Content kinds, told by the file's first bytes, and the names such a file may have.
IMAGE_KINDS = {
    "png": (".png",),
    "jpeg": (".jpg", ".jpeg"),
    "gif": (".gif",),
    "webp": (".webp",),
}
DOCUMENT_KINDS = {
    "pdf": (".pdf",),
    # Word, Excel, PowerPoint and OpenDocument files are ZIP archives...
    "zip": (".docx", ".xlsx", ".pptx", ".odt", ".ods", ".odp"),
    # ...or, before 2007, OLE compound files.
    "ole": (".doc", ".xls", ".ppt"),
    **IMAGE_KINDS,
}
MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),
]


def sniff(upload) -> str:
    """The kind of a file by its first bytes ("" when none we know); the file is left at
    its start."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    for magic, kind in MAGIC:
        if head.startswith(magic):
            return kind
    return ""


def _megabytes(size: int) -> str:
    """Rounded up to a tenth, so that a file just above a limit does not read as equal."""
    return formats.number_format(math.ceil(size * 10 / (1 << 20)) / 10, decimal_pos=1)


def check_size(upload, limit_mb: int) -> None:
    if upload.size is not None and upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            _("The file is %(size)s MB; at most %(mb)s MB is accepted here.")
            % {"size": _megabytes(upload.size), "mb": limit_mb},
            code="too_large",
        )


def _check_kind(upload, kinds: dict[str, tuple[str, ...]], wanted: str) -> str:
    suffix = PurePosixPath(str(upload.name or "")).suffix.lower()
    kind = sniff(upload)
    if kind not in kinds:
        raise ValidationError(wanted, code="kind")
    if suffix not in kinds[kind]:
        raise ValidationError(
            _(
                "The file's name ends in %(suffix)s but its content is %(kind)s: "
                "give it the right name (%(names)s)."
            )
            % {
                "suffix": suffix or "-",
                "kind": kind.upper(),
                "names": ", ".join(kinds[kind]),
            },
            code="name",
        )
    return kind


def check_image_pixels(upload) -> None:
    """Refuse an image that cannot be read, or whose size in pixels would take too much
    memory to decode (a "decompression bomb": a few KB that expand to gigabytes). Only the
    header is read here."""
    from PIL import Image

    limit = settings.MAX_IMAGE_PIXELS
    upload.seek(0)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as img:
                width, height = img.size
                if width * height <= limit:
                    img.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        width = height = None
    except Exception as exc:  # Pillow raises many kinds on a damaged file
        raise ValidationError(_("The file is not a photo that can be read."), code="image") from exc
    finally:
        upload.seek(0)
    if width is None or width * height > limit:
        raise ValidationError(
            _(
                "The photo is too large in pixels%(size)s: at most %(mp)s megapixels. "
                "Make it smaller and upload it again."
            )
            % {
                "size": f" ({width} x {height})" if width else "",
                "mp": f"{limit / 1_000_000:g}",
            },
            code="pixels",
        )


def check_upload(upload, kind: str) -> None:
    """``kind`` is "image" (a photo) or "document" (a scan, a decree, evidence: PDF, an
    office file or a photo)."""
    if kind == "image":
        check_size(upload, settings.MAX_IMAGE_MB)
        _check_kind(upload, IMAGE_KINDS, _("The file is not a photo that can be read."))
        check_image_pixels(upload)
    elif kind == "document":
        check_size(upload, max(settings.MAX_DOCUMENT_MB, settings.MAX_IMAGE_MB))
        found = _check_kind(
            upload,
            DOCUMENT_KINDS,
            _("The file is not a PDF, a Word, Excel, PowerPoint or OpenDocument file, or a photo."),
        )
        if found in IMAGE_KINDS:
            check_size(upload, settings.MAX_IMAGE_MB)
            check_image_pixels(upload)
        else:
            check_size(upload, settings.MAX_DOCUMENT_MB)
    else:  # pragma: no cover - a programming error
        raise ValueError(kind)


def _help(kind: str) -> str:
    if kind == "image":
        return _("JPEG, PNG, GIF or WebP, at most %(mb)s MB.") % {"mb": settings.MAX_IMAGE_MB}
    return _("PDF, an office file or a photo, at most %(mb)s MB.") % {
        "mb": settings.MAX_DOCUMENT_MB
    }


#: The help text in the language of the request, with the limit of the settings.
_help_text = lazy(_help, str)


class UploadField(forms.FileField):
    """A file field that checks the upload's size, content and (photos) pixels."""

    def __init__(self, *args, kind: str, **kwargs):
        self.kind = kind
        kwargs.setdefault("help_text", self.default_help(kind))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", self.accept(kind))

    @staticmethod
    def accept(kind: str) -> str:
        kinds = IMAGE_KINDS if kind == "image" else DOCUMENT_KINDS
        return ",".join(s for names in kinds.values() for s in names)

    @staticmethod
    def default_help(kind: str):
        return _help_text(kind)

    def clean(self, data, initial=None):
        value = super().clean(data, initial)
        if value and value is not initial and hasattr(value, "seek"):
            check_upload(value, self.kind)
        return value


def image_field(**kwargs) -> UploadField:
    return UploadField(kind="image", **kwargs)


def document_field(**kwargs) -> UploadField:
    return UploadField(kind="document", **kwargs)


def largest_upload() -> int:
    """Bytes of the largest file any form accepts."""
    return max(settings.MAX_IMAGE_MB, settings.MAX_DOCUMENT_MB, settings.MAX_IMPORT_MB) << 20


class OversizedUpload(UploadedFile):
    """What is left of a file larger than any limit: its name and size, no content. The
    form's size check refuses it with the size the person sent."""

    def __init__(self, name, content_type, size):
        super().__init__(io.BytesIO(b""), name, content_type, size)


class BoundedUploadHandler(FileUploadHandler):
    """First of the upload handlers: passes each file on to Django's (memory, then a
    temporary file) until it passes the largest limit, and drops the rest, so that a
    210 MB file sent to any form fills neither memory nor the disk."""

    def new_file(self, field_name, file_name, content_type, content_length, *args, **kwargs):
        super().new_file(field_name, file_name, content_type, content_length, *args, **kwargs)
        self.limit = largest_upload()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > self.limit:
            return None  # the later handlers get no more of this file
        return raw_data

    def file_complete(self, file_size):
        if file_size > self.limit:
            return OversizedUpload(self.file_name, self.content_type, file_size)
        return None  # the next handler's file
