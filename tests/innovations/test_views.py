"""Pages of innovations, as people use them: forms, gates, public visibility, dashboard."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.innovations.models import Innovation
from tests.innovations.conftest import (
    DESIGN,
    PNG,
    at_stage,
    fill_design,
    fill_display,
    take_through,
)


@pytest.mark.django_db
def test_the_team_turns_an_idea_into_an_innovation_from_the_problem_page(client_for, people, idea):
    client = client_for(people["team_member"])
    page = client.get(idea.problem.get_absolute_url()).content.decode()
    assert "Jadikan inovasi" in page
    response = client.post(f"/inovasi/dari-gagasan/{idea.pk}/", {"name": "Akta Sehat"})
    innovation = Innovation.objects.get()
    assert response.status_code == 302
    assert response.url == f"/inovasi/{innovation.pk}/ubah/"
    assert innovation.name == "Akta Sehat"
    assert innovation.enrolment == idea.problem.enrolment


@pytest.mark.django_db
def test_the_design_form_saves_the_national_fields_and_counts_words(client_for, people, innovation):
    client = client_for(people["unit_head"])
    data = {
        "name": "Akta Lahir dari Puskesmas",
        "initiator": "perangkat_daerah",
        "kind": "digital",
        "form": "pelayanan_publik",
        "affairs": "Administrasi Kependudukan",
        "budget_amount": "15000000",
        "budget_file": SimpleUploadedFile("rab.pdf", b"%PDF-1.4 anggaran"),
        **DESIGN,
    }
    response = client.post(f"/inovasi/{innovation.pk}/ubah/", data)
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.budget_amount == 15_000_000
    assert innovation.budget_file.name.startswith("inovasi/anggaran/")
    page = client.get(innovation.get_absolute_url()).content.decode()
    assert "Rancangan berisi 378 kata" in page


@pytest.mark.django_db
def test_a_coach_sees_the_missing_items_when_the_gate_is_refused(client_for, people, innovation):
    client = client_for(people["coach"])
    response = client.post(
        f"/inovasi/{innovation.pk}/gerbang/",
        {"stage": "design", "decision": "approved", "reason": "Cek."},
        follow=True,
    )
    page = response.content.decode()
    assert "Gerbang ditolak" in page
    assert "Rancang bangun memuat sedikitnya 300 kata" in page
    innovation.refresh_from_db()
    assert innovation.stage == "design"


@pytest.mark.django_db
def test_the_team_may_not_decide_a_gate(client_for, people, innovation):
    fill_design(innovation)
    response = client_for(people["unit_head"]).post(
        f"/inovasi/{innovation.pk}/gerbang/",
        {"stage": "design", "decision": "approved", "reason": "Sendiri."},
    )
    assert response.status_code == 403
    innovation.refresh_from_db()
    assert innovation.stage == "design"


@pytest.mark.django_db
def test_milestones_progress_and_overdue_flag(client_for, people, innovation):
    client = client_for(people["team_member"])
    response = client.post(
        f"/inovasi/{innovation.pk}/rencana-aksi/",
        {
            "title": "Pelatihan petugas",
            "owner": "Sekretaris tim",
            "start": "2022-11-01",
            "end": "2022-11-15",
            "deliverable": "Petugas terlatih",
            "stakeholders": "Dinkes",
        },
    )
    assert response.status_code == 302
    page = client.get(innovation.get_absolute_url()).content.decode()
    assert "Pelatihan petugas" in page
    assert "terlambat" in page  # ended in 2022 and not done
    at_stage(innovation, "deliver")  # progress is recorded while delivering
    milestone = innovation.milestones.get()
    response = client.post(
        f"/inovasi/{innovation.pk}/rencana-aksi/{milestone.pk}/kemajuan/",
        {"progress": "100", "note": "Selesai", "file": SimpleUploadedFile("foto.png", PNG)},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.progress == 100 and not milestone.is_overdue
    assert milestone.evidence.get().is_photo


@pytest.mark.django_db
def test_bad_milestone_dates_get_a_message(client_for, people, innovation):
    response = client_for(people["team_member"]).post(
        f"/inovasi/{innovation.pk}/rencana-aksi/",
        {
            "title": "X",
            "owner": "Y",
            "start": "2023-02-01",
            "end": "2023-01-01",
            "deliverable": "Z",
        },
    )
    assert response.status_code == 400
    assert "Langkah tidak dapat berakhir sebelum dimulai" in response.content.decode()
    assert not innovation.milestones.exists()


@pytest.mark.django_db
def test_the_public_sees_an_innovation_only_after_display(client, people, innovation):
    take_through(innovation, "design", "deliver")
    fill_display(innovation)
    url = innovation.get_absolute_url()
    assert client.get(url).status_code == 404
    assert "Akta Lahir" not in client.get("/inovasi/").content.decode()
    assert client.get("/api/v1/innovations").json()["count"] == 0
    take_through(innovation, "display", decider=people["coach"])
    page = client.get(url).content.decode()
    assert "Orang tua kini menerima akta kelahiran di puskesmas" in page
    assert "Rencana Aksi" not in page  # the public sees the summary, not the working record
    assert "Akta Lahir" in client.get("/inovasi/").content.decode()
    assert client.get("/api/v1/innovations").json()["count"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("coordinator", 200),
        ("leader", 200),
        ("coach", 200),
        ("assessor", 200),
        ("unit_head", 200),
        ("team_member", 200),
    ],
)
def test_the_regions_people_read_the_working_record(client_for, people, innovation, role, status):
    response = client_for(people[role]).get(innovation.get_absolute_url())
    assert response.status_code == status
    assert "Rencana Aksi Inovasi" in response.content.decode()


@pytest.mark.django_db
def test_an_outsider_does_not_see_an_unpublished_innovation(client_for, outsider, innovation):
    assert client_for(outsider).get(innovation.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_xlsx_has_the_national_form_columns_in_order(client_for, people, innovation):
    from io import BytesIO

    from openpyxl import load_workbook

    fill_design(innovation)
    response = client_for(people["leader"]).get(
        f"/inovasi/ekspor.xlsx?wilayah={innovation.region.code}"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[1]]
    assert header[:15] == [
        "Nama inovasi",
        "Tahapan",
        "Inisiator",
        "Jenis",
        "Bentuk",
        "Urusan pemerintahan",
        "Waktu uji coba",
        "Waktu penerapan",
        "Rancang bangun",
        "Tujuan",
        "Manfaat",
        "Hasil",
        "Anggaran (Rp)",
        "Dokumen anggaran",
        "Profil bisnis",
    ]
    row = [c.value for c in sheet[2]]
    assert row[0] == "Akta Lahir dari Puskesmas"
    assert row[1] == "Inisiatif"
    assert row[5] == "Administrasi Kependudukan"
    assert "Dasar hukum" in row[8]


@pytest.mark.django_db
def test_the_anonymous_export_holds_only_published_innovations(client, innovation):
    from io import BytesIO

    from openpyxl import load_workbook

    response = client.get(f"/inovasi/ekspor.xlsx?wilayah={innovation.region.code}")
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).active.max_row == 1


@pytest.mark.django_db
def test_display_form_and_photo(client_for, people, innovation):
    at_stage(innovation, "display")
    client = client_for(people["unit_head"])
    response = client.post(
        f"/inovasi/{innovation.pk}/peluncuran/",
        {
            "launch_date": "2022-12-15",
            "launch_occasion": "Purbalingga Expo",
            "public_summary": "Ringkasan untuk warga.",
        },
    )
    assert response.status_code == 302
    response = client.post(
        f"/inovasi/{innovation.pk}/foto/",
        {"image": SimpleUploadedFile("peluncuran.png", PNG), "caption": "Peluncuran"},
    )
    assert response.status_code == 302
    innovation.refresh_from_db()
    assert innovation.launch_date == datetime.date(2022, 12, 15)
    assert innovation.photos.get().caption == "Peluncuran"
