"""Lab files are refused when too large or not what their name says, with a message the
person can act on, and nothing is stored (issue 9, finding 5)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.lab.models import Commitment, Problem

pytestmark = pytest.mark.django_db


def _stored_files(root):
    return [p for p in root.rglob("*") if p.is_file()]


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _sign(client, enrolment, upload):
    return client.post(
        f"/lab/unit/{enrolment.pk}/pakta/",
        {"signer_name": "dr. Sri", "signer_position": "Kepala", "scan": upload},
    )


def test_a_scan_larger_than_the_document_limit_is_refused(
    client_for, people, enrolment, media, settings
):
    settings.MAX_DOCUMENT_MB = 1
    big = b"%PDF-1.4\n" + b"0" * (2 << 20)
    response = _sign(client_for(people["unit_head"]), enrolment, SimpleUploadedFile("p.pdf", big))
    assert response.status_code == 400
    assert "paling besar 1 MB yang diterima" in response.content.decode()
    assert not Commitment.objects.filter(enrolment=enrolment).exists()
    assert _stored_files(media) == []


def test_a_file_beyond_every_limit_is_refused_with_the_size_sent(
    client_for, people, enrolment, media, settings
):
    """The upload handler stops writing past the largest limit; the form still tells the
    size that was sent."""
    settings.MAX_DOCUMENT_MB = settings.MAX_IMAGE_MB = settings.MAX_IMPORT_MB = 1
    big = b"%PDF-1.4\n" + b"0" * (3 << 20)
    response = _sign(client_for(people["unit_head"]), enrolment, SimpleUploadedFile("p.pdf", big))
    assert response.status_code == 400
    assert "Berkas ini 3,1 MB" in response.content.decode()
    assert not Commitment.objects.filter(enrolment=enrolment).exists()
    assert _stored_files(media) == []


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("sk.pdf", b"<html><script>alert(1)</script></html>", "bukan PDF"),
        ("sk.pdf", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "isinya PNG"),
        ("sk.exe", b"MZ\x90\x00\x03", "bukan PDF"),
    ],
)
def test_the_content_decides_not_the_name(
    client_for, people, enrolment, media, name, content, message
):
    response = _sign(client_for(people["unit_head"]), enrolment, SimpleUploadedFile(name, content))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Commitment.objects.filter(enrolment=enrolment).exists()
    assert _stored_files(media) == []


def test_a_real_pdf_scan_is_still_accepted(client_for, people, enrolment, media):
    response = _sign(
        client_for(people["unit_head"]), enrolment, SimpleUploadedFile("p.pdf", b"%PDF-1.4\n%\n")
    )
    assert response.status_code == 302
    assert len(_stored_files(media)) == 1


def test_an_evidence_link_must_be_http(client_for, people, enrolment):
    response = client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/masalah/baru/",
        {
            "service": "Akta kelahiran",
            "description": "Antre lama",
            "affected": "Orang tua",
            "evidence_link": "javascript:alert(document.cookie)",
        },
    )
    assert response.status_code == 400
    assert "Masukkan URL yang valid" in response.content.decode()
    assert not Problem.objects.exists()


def test_a_stored_javascript_evidence_link_is_shown_as_text(client_for, people, enrolment):
    """Rows written before links were checked may hold one: it is text, not a link."""
    problem = Problem.objects.create(
        enrolment=enrolment,
        service="Akta",
        description="Antre",
        affected="Warga",
        evidence_link="javascript:alert(1)",
    )
    page = client_for(people["coordinator"]).get(f"/lab/masalah/{problem.pk}/").content.decode()
    assert "javascript:alert(1)" in page
    assert 'href="javascript:' not in page
