"""Uploaded files are served only to those who may read the unit's work."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

PDF = b"%PDF-1.4\n% pakta uji\n"


@pytest.fixture
def signed(client_for, people, enrolment, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    response = client_for(people["unit_head"]).post(
        f"/lab/unit/{enrolment.pk}/pakta/",
        {
            "signer_name": "dr. Sri",
            "signer_position": "Kepala",
            "scan": SimpleUploadedFile("pakta.pdf", PDF, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    return enrolment


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["unit_head", "team_member", "coach", "leader", "coordinator"])
def test_readers_of_the_unit_download_the_scan(client_for, people, signed, role):
    client = client_for(people[role])
    page = client.get(f"/lab/unit/{signed.pk}/").content.decode()
    link = f"/lab/unit/{signed.pk}/berkas/pakta/"
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.django_db
def test_other_regions_and_the_public_get_no_file(client_for, signed, outsider):
    link = f"/lab/unit/{signed.pk}/berkas/pakta/"
    assert client_for(outsider).get(link).status_code in (403, 404)
    assert client_for(None).get(link).status_code in (302, 403, 404)


@pytest.mark.django_db
def test_a_missing_file_is_a_404(client_for, people, enrolment):
    response = client_for(people["coordinator"]).get(f"/lab/unit/{enrolment.pk}/berkas/sk-tim/")
    assert response.status_code == 404
