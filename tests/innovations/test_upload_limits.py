"""Innovation files and photos are refused when too large or a decompression bomb, links
are http(s) only, and the XLSX export never holds a live formula (issue 9, findings 5, 6
and 8)."""

import datetime
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from labinov.innovations.models import Evidence, Innovation, Milestone
from tests.bombs import png_bomb
from tests.innovations.conftest import DESIGN, PNG, at_stage

pytestmark = pytest.mark.django_db


def _stored_files(settings):
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()]


def test_a_png_bomb_photo_is_refused_with_a_message_not_a_500(
    client_for, people, innovation, settings
):
    at_stage(innovation, "display")
    bomb = png_bomb()
    assert len(bomb) < 100_000  # 400 megapixels in a few dozen KB
    response = client_for(people["unit_head"]).post(
        f"/inovasi/{innovation.pk}/foto/",
        {"image": SimpleUploadedFile("bom.png", bomb), "caption": "Bom"},
    )
    assert response.status_code in (200, 400)
    text = response.content.decode()
    assert "terlalu besar dalam piksel" in text
    assert not innovation.photos.exists()
    assert _stored_files(settings) == []


def test_a_real_photo_is_still_accepted(client_for, people, innovation, settings):
    at_stage(innovation, "display")
    response = client_for(people["unit_head"]).post(
        f"/inovasi/{innovation.pk}/foto/", {"image": SimpleUploadedFile("a.png", PNG)}
    )
    assert response.status_code == 302
    assert innovation.photos.count() == 1


def test_a_budget_file_larger_than_the_limit_is_refused(client_for, people, innovation, settings):
    settings.MAX_DOCUMENT_MB = 1
    data = {
        "name": "Akta Lahir dari Puskesmas",
        "initiator": "perangkat_daerah",
        "kind": "digital",
        "form": "pelayanan_publik",
        "budget_file": SimpleUploadedFile("rab.pdf", b"%PDF-1.4\n" + b"0" * (2 << 20)),
        **DESIGN,
    }
    response = client_for(people["unit_head"]).post(f"/inovasi/{innovation.pk}/ubah/", data)
    assert response.status_code != 302
    assert "paling besar 1 MB yang diterima" in response.content.decode()
    innovation.refresh_from_db()
    assert not innovation.budget_file
    assert _stored_files(settings) == []


def _milestone(innovation):
    return Milestone.objects.create(
        innovation=innovation,
        title="Pelatihan",
        owner="Tim",
        start=datetime.date(2022, 11, 1),
        end=datetime.date(2022, 11, 15),
    )


def test_a_progress_link_must_be_http(client_for, people, innovation):
    at_stage(innovation, "deliver")
    milestone = _milestone(innovation)
    for link in ("javascript:alert(1)", "ftp://berkas.example/rab.pdf"):
        response = client_for(people["unit_head"]).post(
            f"/inovasi/{innovation.pk}/rencana-aksi/{milestone.pk}/kemajuan/",
            {"progress": "50", "note": "", "link": link},
        )
        assert response.status_code != 302
    assert not milestone.evidence.exists()


def test_a_stored_javascript_link_is_shown_as_text(client_for, people, innovation):
    """Rows written before links were checked may hold one: it is text, not a link."""
    milestone = _milestone(innovation)
    Evidence.objects.create(milestone=milestone, progress=10, link="javascript:alert(1)")
    page = client_for(people["unit_head"]).get(innovation.get_absolute_url()).content.decode()
    assert "javascript:alert(1)" in page
    assert 'href="javascript:' not in page


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("http://jahat.example","klik")', "+1+2", "-2+3", "@SUM(1)"]
)
def test_the_xlsx_export_writes_formula_like_text_as_text(client_for, people, innovation, name):
    Innovation.objects.filter(pk=innovation.pk).update(name=name, budget_amount=15_000_000)
    response = client_for(people["leader"]).get(
        f"/inovasi/ekspor.xlsx?wilayah={innovation.region.code}"
    )
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s"
    assert cell.value == "'" + name
    budget = sheet.cell(row=2, column=13)
    assert budget.value == 15_000_000 and budget.data_type == "n"
