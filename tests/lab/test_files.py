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


@pytest.mark.django_db
def test_a_new_evidence_file_replaces_the_old_and_none_keeps_it(
    client_for, people, enrolment, settings, tmp_path
):
    from labinov.core.models import AuditEvent
    from labinov.lab.models import Problem

    settings.MEDIA_ROOT = tmp_path
    client = client_for(people["team_member"])
    fields = {"service": "Akta kelahiran", "description": "Lama", "affected": "Orang tua"}
    response = client.post(
        f"/lab/unit/{enrolment.pk}/masalah/baru/",
        fields | {"evidence_file": SimpleUploadedFile("lama.pdf", b"%PDF-1.4\n% lama\n")},
    )
    assert response.status_code == 302
    problem = Problem.objects.get()
    old_name = problem.evidence_file.name
    download = f"/lab/masalah/{problem.pk}/berkas/bukti/"
    edit = f"/lab/masalah/{problem.pk}/ubah/"
    assert f'href="{download}"' in client.get(edit).content.decode()

    assert client.post(edit, fields | {"description": "Lama sekali"}).status_code == 302
    assert Problem.objects.get().evidence_file.name == old_name
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4\n% lama\n"

    new = SimpleUploadedFile("baru.pdf", b"%PDF-1.4\n% baru\n", content_type="application/pdf")
    assert client.post(edit, fields | {"evidence_file": new}).status_code == 302
    new_name = Problem.objects.get().evidence_file.name
    assert new_name != old_name and new_name.endswith(".pdf") and "baru" in new_name
    assert b"".join(client.get(download).streaming_content) == b"%PDF-1.4\n% baru\n"
    last = AuditEvent.objects.filter(action="lab.problem.updated").latest("id")
    assert last.details == {
        "changed": {"description": ["Lama sekali", "Lama"], "evidence_file": [old_name, new_name]}
    }


@pytest.mark.django_db
def test_an_evidence_file_left_out_or_empty_is_kept(people, enrolment, settings, tmp_path):
    from labinov.lab import actions
    from labinov.lab.models import Problem
    from tests.lab.conftest import add_problem

    settings.MEDIA_ROOT = tmp_path
    problem = add_problem(enrolment, evidence_file=SimpleUploadedFile("bukti.pdf", PDF))
    stored = problem.evidence_file.name
    for empty in (None, "", False):
        actions.update_problem(
            acting_user=people["unit_head"], problem=problem, service="KTP", evidence_file=empty
        )
    actions.update_problem(acting_user=people["unit_head"], problem=problem, service="KK")
    assert Problem.objects.get().evidence_file.name == stored


@pytest.mark.django_db
def test_a_form_sent_back_for_another_error_asks_for_the_file_again(
    client_for, people, enrolment, settings, tmp_path
):
    """A browser never sends a chosen file twice: the page says it must be chosen again
    (issue 11, defect 2), instead of dropping it silently."""
    from labinov.lab.models import Problem

    settings.MEDIA_ROOT = tmp_path
    response = client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/masalah/baru/",
        {
            "service": "Akta kelahiran",
            "description": "",  # required: the form comes back
            "affected": "Orang tua",
            "evidence_file": SimpleUploadedFile("bukti-antrean.pdf", PDF),
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Berkas “bukti-antrean.pdf” belum disimpan" in page
    assert "pilih berkasnya lagi" in page
    assert not Problem.objects.exists()
    assert not any(tmp_path.rglob("*.pdf"))
