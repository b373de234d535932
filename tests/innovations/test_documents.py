"""The profile PDF and the Direktori Inovasi PDF: their Indonesian text, read back."""

import io

import pytest

from labinov.innovations.documents import pdf_available
from tests.innovations.conftest import take_through

AVAILABLE, WHY = pdf_available()
needs_pdf = pytest.mark.skipif(
    not AVAILABLE, reason=f"WeasyPrint cannot load Pango from the system: {WHY}"
)


def _text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


@needs_pdf
@pytest.mark.django_db
def test_the_profile_pdf_reads_in_indonesian(client_for, people, innovation):
    take_through(innovation, "design", "deliver")
    response = client_for(people["coach"]).get(f"/inovasi/{innovation.pk}/profil.pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response.content)
    assert "Profil inovasi" in text
    assert "Akta Lahir dari Puskesmas" in text
    assert "Dinas Kesehatan Uji" in text
    assert "Tahapan" in text and "Uji coba" in text
    assert "Dasar hukum" in text
    assert "Lama penyelesaian (hari)" in text


@needs_pdf
@pytest.mark.django_db
def test_the_directory_has_a_cover_contents_and_one_profile_per_published_innovation(
    client, people, innovation, programme
):
    take_through(innovation, "design", "deliver", "display", decider=people["coach"])
    type(programme).objects.filter(pk=programme.pk).update(is_public=True)
    response = client.get(f"/inovasi/direktori.pdf?program={programme.pk}")
    assert response.status_code == 200
    from pypdf import PdfReader

    pages = PdfReader(io.BytesIO(response.content)).pages
    assert len(pages) >= 3
    cover, contents = pages[0].extract_text(), pages[1].extract_text()
    assert "Direktori Inovasi" in cover and "Laboratorium Inovasi Uji 2022" in cover
    assert "1 inovasi" in cover
    assert "Daftar isi" in contents and "Akta Lahir dari Puskesmas" in contents
    assert "Orang tua kini menerima akta kelahiran" in _text(response.content)


@pytest.mark.django_db
def test_the_directory_needs_a_programme_or_region(client):
    assert client.get("/inovasi/direktori.pdf").status_code == 404
