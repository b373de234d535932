"""A request's file beyond every upload limit is not kept: Django parses the request
body with ``BoundedUploadHandler`` first, which drops the bytes past the largest limit and
keeps only the name and the size sent, for the form to refuse with that size."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from labinov.core.uploads import OversizedUpload, check_upload


def test_a_file_beyond_every_limit_keeps_its_size_but_no_content(settings):
    settings.MAX_IMAGE_MB = settings.MAX_DOCUMENT_MB = settings.MAX_IMPORT_MB = 1
    request = RequestFactory().post(
        "/", {"berkas": SimpleUploadedFile("besar.pdf", b"%PDF-1.4\n" + b"0" * (3 << 20))}
    )
    upload = request.FILES["berkas"]
    assert isinstance(upload, OversizedUpload)
    assert upload.size == 9 + (3 << 20)
    assert upload.read() == b""


def test_a_file_within_the_limits_arrives_whole(settings):
    settings.MAX_IMAGE_MB = settings.MAX_DOCUMENT_MB = settings.MAX_IMPORT_MB = 1
    content = b"%PDF-1.4\n" + b"0" * (512 << 10)
    request = RequestFactory().post("/", {"berkas": SimpleUploadedFile("kecil.pdf", content)})
    upload = request.FILES["berkas"]
    assert upload.read() == content
    check_upload(upload, "document")
