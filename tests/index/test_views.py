"""Who may read and fill in a region's index, through HTTP; answers, evidence and the
answers Labinov fills from its own records."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.core.system import SystemActor
from labinov.index import actions
from labinov.index.models import Answer, Rubric
from labinov.innovations.models import ServiceMeasure
from labinov.lab.models import Team, TeamMember

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def assessment(innovation):
    return actions.start_assessment(
        acting_user=SystemActor("uji"),
        region=innovation.region,
        year=2023,
        rubric=Rubric.objects.get(version="IID-2023"),
    )


@pytest.fixture
def everyone(people, outsider):
    return {**people, "outsider": outsider}


READ = {"coordinator", "leader", "platform_admin"}
EDIT = {"coordinator", "platform_admin"}


def test_who_reads_the_index_page(assessment, everyone, client_for, client):
    code = assessment.region.code
    for who, user in everyone.items():
        response = client_for(user).get(f"/indeks/{code}/")
        assert response.status_code == (200 if who in READ else 403), who
    assert client.get(f"/indeks/{code}/").status_code == 302  # to the login page


def test_who_fills_in_the_answers(assessment, everyone, client_for):
    code = assessment.region.code
    for who, user in everyone.items():
        response = client_for(user).get(f"/indeks/{code}/2023/isi/")
        assert response.status_code == (200 if who in EDIT else 403), who
        response = client_for(user).post(
            f"/indeks/{code}/2023/jawaban/",
            {
                "prefix": "SPD-01-VISI_MISI.1",
                "SPD-01-VISI_MISI.1-item_key": "SPD-01-VISI_MISI.1",
                "SPD-01-VISI_MISI.1-level": "2",
            },
        )
        assert response.status_code == (302 if who in EDIT else 403), who
    # Only the two who may edit wrote; the leader's attempt left nothing.
    assert Answer.objects.filter(assessment=assessment).count() == 1


def test_a_coordinator_answers_with_evidence_and_the_index_follows(assessment, people, client_for):
    coordinator, leader = client_for(people["coordinator"]), client_for(people["leader"])
    code = assessment.region.code
    before = coordinator.get(f"/api/v1/regions/{code}/index").json()["index"]
    key = "SPD-12-PENGHARGAAN_INOVATOR.12"
    response = coordinator.post(
        f"/indeks/{code}/2023/jawaban/",
        {
            "prefix": key,
            f"{key}-item_key": key,
            f"{key}-level": "3",
            f"{key}-evidence_file": SimpleUploadedFile(
                "sk-penghargaan.pdf", PDF, "application/pdf"
            ),
        },
    )
    assert response.status_code == 302
    answer = Answer.objects.get(assessment=assessment, item_key=key)
    assert answer.has_evidence and answer.source == Answer.Source.MANUAL
    # weight 2 x level 3 = 6 points = 2.4 index points
    after = leader.get(f"/api/v1/regions/{code}/index").json()
    assert after["index"] == pytest.approx(before + 2.4)
    assert key not in {m["key"] for m in after["missing"]}
    # The leader reads the evidence; a coach may not.
    assert leader.get(f"/indeks/bukti/{answer.pk}/").status_code == 200
    assert client_for(people["coach"]).get(f"/indeks/bukti/{answer.pk}/").status_code == 403


def test_evidence_that_is_not_a_document_is_refused(assessment, people, client_for):
    key = "SPD-12-PENGHARGAAN_INOVATOR.12"
    client_for(people["coordinator"]).post(
        f"/indeks/{assessment.region.code}/2023/jawaban/",
        {
            "prefix": key,
            f"{key}-item_key": key,
            f"{key}-level": "3",
            f"{key}-evidence_file": SimpleUploadedFile(
                "bukti.pdf", b"MZ not a pdf", "application/pdf"
            ),
        },
    )
    assert not Answer.objects.filter(assessment=assessment, item_key=key).exists()


def test_an_answer_without_evidence_scores_zero(assessment, people, client_for):
    key = "SPD-12-PENGHARGAAN_INOVATOR.12"
    client = client_for(people["coordinator"])
    code = assessment.region.code
    before = client.get(f"/api/v1/regions/{code}/index").json()["index"]
    client.post(
        f"/indeks/{code}/2023/jawaban/",
        {"prefix": key, f"{key}-item_key": key, f"{key}-level": "3"},
    )
    answer = client.get(f"/api/v1/regions/{code}/index").json()
    assert answer["index"] == before
    missing = next(m for m in answer["missing"] if m["key"] == key)
    assert (missing["level"], missing["has_evidence"], missing["evidence_points"]) == (
        3,
        False,
        2.4,
    )


def test_the_api_details_are_for_coordinator_and_leader(assessment, everyone, client_for, client):
    code = assessment.region.code
    for who, user in everyone.items():
        answer = client_for(user).get(f"/api/v1/regions/{code}/index").json()
        assert ("missing" in answer and answer["missing"] is not None) == (who in READ), who
        assert "index" in answer and "category" in answer
    assert client.get(f"/api/v1/regions/{code}/index").json().get("missing") is None


def test_labinov_fills_what_its_records_answer(assessment, innovation, people, client_for):
    team, _ = Team.objects.get_or_create(enrolment=innovation.enrolment)
    for n in range(12):
        TeamMember.objects.create(team=team, name=f"Anggota {n}")
    ServiceMeasure.objects.create(
        innovation=innovation, measure="people_served", target=300, actual=640
    )
    client = client_for(people["coordinator"])
    code = assessment.region.code
    assert client.post(f"/indeks/{code}/2023/dari-labinov/").status_code == 302
    answers = {
        a.item_key: a for a in Answer.objects.filter(assessment=assessment, innovation=innovation)
    }
    # 12 people: 11-30 is level 2; 640 served: 501 or more is level 3 (thresholds from the rubric)
    assert answers["SID-17-SDM"].level == 2 and "12" in answers["SID-17-SDM"].source_note
    assert answers["SID-33-KEMANFAATAN"].level == 3
    assert answers["SID-17-SDM"].source == Answer.Source.LABINOV
    assert not answers["SID-17-SDM"].has_evidence  # never invented
    page = client.get(f"/indeks/{code}/2023/isi/{innovation.pk}/").content.decode()
    assert answers["SID-17-SDM"].source_note in page
    # A leader may not run it.
    assert (
        client_for(people["leader"]).post(f"/indeks/{code}/2023/dari-labinov/").status_code == 403
    )


def test_the_rubric_upload_page(people, client_for, shipped):
    bad = json.loads(json.dumps(shipped["IID-2026"]))
    bad["rubric_id"] = "IID-RUSAK"
    bad["formula"]["max_total"] = -5
    bad["categories"] = []
    upload = SimpleUploadedFile("rusak.json", json.dumps(bad).encode(), "application/json")
    assert (
        client_for(people["coordinator"]).post("/indeks/rubrik/", {"file": upload}).status_code
        == 403
    )
    admin = client_for(people["platform_admin"])
    upload = SimpleUploadedFile("rusak.json", json.dumps(bad).encode(), "application/json")
    page = admin.post("/indeks/rubrik/", {"file": upload}).content.decode()
    assert "formula.max_total" in page and "categories: must be a non-empty list" in page
    assert not Rubric.objects.filter(version="IID-RUSAK").exists()
    good = json.loads(json.dumps(shipped["IID-2026"]))
    good["rubric_id"] = "IID-UJI"
    upload = SimpleUploadedFile("baru.json", json.dumps(good).encode(), "application/json")
    response = admin.post("/indeks/rubrik/", {"file": upload, "provenance": "Juknis uji"})
    assert response.status_code == 302
    assert Rubric.objects.get(version="IID-UJI").provenance == "Juknis uji"


def test_ineligible_innovations_are_listed_with_reasons(innovation, people, client_for):
    assessment = actions.start_assessment(
        acting_user=SystemActor("uji"),
        region=innovation.region,
        year=2026,
        rubric=Rubric.objects.get(version="IID-2026"),
    )
    page = client_for(people["leader"]).get(f"/indeks/{assessment.region.code}/").content.decode()
    assert innovation.name in page
    assert "2024-01-01" in page  # the implementation window, from the rubric
    assert "300" in page  # the design's minimum words, from the rubric


def test_the_submission_pack(assessment, innovation, people, client_for):
    import io
    import zipfile

    from openpyxl import load_workbook

    actions.set_answer(
        acting_user=SystemActor("uji"),
        assessment=assessment,
        innovation=innovation,
        item_key="SID-16-REGULASI",
        level=2,
        evidence_file=SimpleUploadedFile("perkada.pdf", PDF, "application/pdf"),
    )
    code = assessment.region.code
    leader = client_for(people["leader"])
    book = load_workbook(io.BytesIO(leader.get(f"/indeks/{code}/2023/paket.xlsx").content))
    rows = list(book["Inovasi"].iter_rows(values_only=True))
    header, row = rows[0], rows[1]
    assert row[0] == innovation.name
    level = header.index("16. Regulasi Inovasi Daerah")
    assert (row[level], row[level + 1]) == (2, "ya")
    archive = zipfile.ZipFile(io.BytesIO(leader.get(f"/indeks/{code}/2023/bukti.zip").content))
    assert [n for n in archive.namelist() if n.endswith("16-SID-16-REGULASI.pdf")]
    assert archive.read(archive.namelist()[0]) == PDF
    assert client_for(people["coach"]).get(f"/indeks/{code}/2023/paket.xlsx").status_code == 403
