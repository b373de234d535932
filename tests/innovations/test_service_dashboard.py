"""Service roll-ups on the demo region: the dashboards' figures equal direct database sums,
and the numbers read as Indonesian readers write them."""

import io
import re

import pytest
from django.core.management import call_command
from django.db.models import DecimalField, ExpressionWrapper, F, OuterRef, Subquery, Sum

from labinov.accounts.actions import create_api_token
from labinov.accounts.models import User
from labinov.core import numbers
from labinov.innovations.models import Innovation, ServiceMeasure
from tests.innovations.test_documents import needs_pdf

REGION = "33.03"


@pytest.fixture
def demo(db):
    call_command("demo")
    return User.objects.get(username="demo-pimpinan")


def _value(measure, field):
    return Subquery(
        ServiceMeasure.objects.filter(innovation=OuterRef("pk"), measure=measure).values(field)[:1]
    )


def _database_sums(qs) -> dict:
    """The roll-up computed straight in the database, apart from innovations/measures.py."""
    money = DecimalField(max_digits=30, decimal_places=2)
    qs = qs.annotate(
        cost_b=_value("cost", "baseline"),
        cost_a=_value("cost", "actual"),
        visits_b=_value("visits", "baseline"),
        visits_a=_value("visits", "actual"),
        served=_value("people_served", "actual"),
    )
    rupiah = qs.filter(
        cost_b__isnull=False, cost_a__isnull=False, transactions_per_year__isnull=False
    ).aggregate(
        s=Sum(ExpressionWrapper((F("cost_b") - F("cost_a")) * F("transactions_per_year"), money))
    )["s"]
    hours = qs.filter(
        visits_b__isnull=False,
        visits_a__isnull=False,
        transactions_per_year__isnull=False,
        hours_per_visit__isnull=False,
    ).aggregate(
        s=Sum(
            ExpressionWrapper(
                (F("visits_b") - F("visits_a")) * F("hours_per_visit") * F("transactions_per_year"),
                money,
            )
        )
    )["s"]
    served = qs.filter(served__isnull=False).aggregate(s=Sum("served"))["s"]
    return {"rupiah": rupiah, "hours": hours, "people": served}


def _card(page: str, key: str) -> str:
    match = re.search(rf'data-rollup="{key}"><strong>([^<]+)</strong>', page)
    assert match, key
    return match.group(1)


def test_the_leaders_dashboard_rolls_up_what_the_database_sums(client_for, demo):
    page = client_for(demo).get(f"/inovasi/dasbor/?wilayah={REGION}").content.decode()
    sums = _database_sums(Innovation.objects.filter(enrolment__programme__region__code=REGION))
    # The demo's rupiah by hand: Akta Lahir (Rp 50.000 - 0) x 1.200 births = Rp 60.000.000,
    # Puspita (Rp 150.000 - 15.000) x 240 = Rp 32.400.000, Si-Intan (Rp 40.000 - 0) x 600 =
    # Rp 24.000.000; citizen-hours: Akta (2 - 0) x 4 x 1.200 = 9.600, Puspita (3 - 1) x 5 x
    # 240 = 2.400, Si Purba (3 - 1) x 3 x 4.000 = 24.000, Si-Intan (2 - 0) x 3 x 600 = 3.600.
    assert (sums["rupiah"], sums["hours"]) == (116_400_000, 39_600)
    assert _card(page, "rupiah") == numbers.rupiah(sums["rupiah"]) == "Rp 116.400.000"
    assert _card(page, "hours") == numbers.hours(sums["hours"]) == "39.600 jam"
    assert _card(page, "people") == numbers.people(sums["people"])
    assert re.fullmatch(r"\+\d+ %", _card(page, "faster"))


def test_the_api_roll_up_per_unit_equals_database_sums(demo):
    from django.test import Client

    _token, raw = create_api_token(acting_user=demo, name="uji")
    body = (
        Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        .get(f"/api/v1/regions/{REGION}/improvements")
        .json()
    )
    qs = Innovation.objects.filter(enrolment__programme__region__code=REGION)
    assert body["total"]["innovations"] == qs.count() == 20
    assert body["total"]["rupiah_saved_per_year"] == _database_sums(qs)["rupiah"]
    for unit in body["by_unit"]:
        sums = _database_sums(qs.filter(enrolment__unit_id=unit["id"]))
        assert unit["rupiah_saved_per_year"] == (
            float(sums["rupiah"]) if sums["rupiah"] is not None else None
        )
        assert unit["citizen_hours_saved_per_year"] == (
            float(sums["hours"]) if sums["hours"] is not None else None
        )
        assert unit["innovations"] == qs.filter(enrolment__unit_id=unit["id"]).count()
    assert sum(p["innovations"] for p in body["by_programme"]) == 20


def test_the_dashboard_has_no_none_percent_no_bare_d_and_no_ganti_header(client_for, demo):
    page = client_for(demo).get(f"/inovasi/dasbor/?wilayah={REGION}").content.decode()
    assert "None" not in page
    assert "0,0 d" not in page and not re.search(r"\d d<", page)
    assert "<th" in page and not re.search(r"<th[^>]*>\s*Ganti\s*</th>", page)
    assert ">Perbaikan</th>" in page
    # People served rose from 0: said in words, not as a percent of 0.
    assert "baru (dari 0)" in page
    assert re.search(r"\d+ hari", page)
    # The charts are inline SVG that scale with the page. The two whose bars are links are
    # groups, not images: an image cannot contain links (axe: nested-interactive).
    assert page.count('<svg role="img"') >= 3 and 'width="100%"' in page
    assert page.count('<svg role="group"') == 2


def test_the_coordinators_summary_shows_the_programmes_figures(client_for, demo):
    from labinov.lab.models import LabProgramme

    coordinator = User.objects.get(username="demo-koordinator")
    programme = LabProgramme.objects.get(region__code=REGION)
    page = client_for(coordinator).get(f"/lab/{programme.pk}/ringkasan/")
    assert page.status_code == 200
    text = page.content.decode()
    assert _card(text, "rupiah") == "Rp 116.400.000"
    assert "Perbaikan layanan: lebih cepat, lebih murah, lebih mudah" in text


def test_the_public_profile_shows_before_and_after(client, demo):
    innovation = Innovation.objects.get(name__startswith="[Contoh demo] Akta")
    page = client.get(f"/inovasi/{innovation.pk}/").content.decode()
    assert "Layanan sebelum dan sesudah" in page
    for text in ("Sebelum", "Sesudah", "7 hari", "1 hari", "Rp 50.000", "+86 %"):
        assert text in page, text
    assert "(Rp 50.000 − Rp 0) × 1.200 transaksi setahun = Rp 60.000.000" in page  # noqa: RUF001


def test_the_xlsx_keeps_numbers_with_indonesian_formats(client_for, demo):
    from openpyxl import load_workbook

    response = client_for(demo).get(f"/inovasi/ekspor.xlsx?wilayah={REGION}")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book["Layanan"]
    header = [c.value for c in sheet[1]]
    rows = {r[0].value: r for r in sheet.iter_rows(min_row=2)}
    akta = rows["[Contoh demo] Akta Lahir dari Puskesmas"]
    saved = akta[header.index("Rupiah yang dihemat warga per tahun")]
    assert saved.value == 60_000_000 and saved.number_format == '"Rp "#,##0'
    faster = akta[header.index("Lebih cepat (%)")]
    assert float(faster.value) == 85.7 and faster.number_format.startswith('+0" %"')
    assert "= Rp 60.000.000" in akta[header.index("Rupiah yang dihemat warga per tahun") + 1].value


@needs_pdf
def test_the_profile_pdf_writes_the_figures_for_indonesian_readers(client, demo):
    from pypdf import PdfReader

    innovation = Innovation.objects.get(name__startswith="[Contoh demo] Akta")
    response = client.get(f"/inovasi/{innovation.pk}/profil.pdf")
    assert response.status_code == 200
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in ("Rp 50.000", "7 hari", "+86 %", "Rp 60.000.000", "9.600 jam"):
        assert expected in text, expected
    assert "None" not in text
