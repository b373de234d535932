"""The leader's portfolio dashboard on the demo data: its figures equal direct counts."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from labinov.accounts.models import User
from labinov.innovations.models import Innovation, Milestone, ServiceMeasure
from labinov.lab.models import GateDecision

REGION = "33.03"
DEMO_DATA = Path(__file__).resolve().parents[2] / "labinov" / "demo" / "data" / "purbalingga.json"


@pytest.fixture
def demo(db):
    call_command("demo")
    return User.objects.get(username="demo-pimpinan")


def _figure(page: str, key: str) -> int:
    match = re.search(rf'data-figure="{key}"><strong>(\d+)</strong>', page)
    assert match, key
    return int(match.group(1))


def test_the_demo_holds_the_real_innovations_at_the_stages_they_reached(demo):
    """The 15 real innovations of data/purbalingga.json are in the 2022 programme, each in
    the unit its source names, launched and shown to the public (as their sources report)."""
    data = json.loads(DEMO_DATA.read_text(encoding="utf-8"))
    innovations = Innovation.objects.filter(enrolment__programme__region__code=REGION)
    assert all(i.is_demo for i in innovations)  # their figures are demo figures
    by_name = {i.name: i for i in innovations.select_related("enrolment__unit")}
    for real in data["innovations"]:
        innovation = by_name[real["name"]]
        assert innovation.published_at is not None, real["name"]
        assert innovation.stage == "documentation"
        assert "kata-kata kami sendiri" in innovation.public_summary
        if real["unit"].startswith("Pemkab"):  # the source names no unit
            assert innovation.enrolment.unit.name == "Sekretariat Daerah"
            assert "tidak menyebut unit" in innovation.design_method
        else:
            assert innovation.enrolment.unit.name.startswith(real["unit"]) or (
                real["unit"] in innovation.enrolment.unit.name
            ), (real["name"], innovation.enrolment.unit.name)
    made_up = [i for i in innovations if i.name not in {r["name"] for r in data["innovations"]}]
    assert made_up and all(i.name.startswith("[Contoh demo]") for i in made_up)
    # The made-up ones fill the stages the real ones passed long ago.
    assert {"design", "deliver", "display"} <= {i.stage for i in made_up}
    count = Innovation.objects.count()
    call_command("demo")
    assert Innovation.objects.count() == count


def test_the_demo_spreads_units_over_the_stages_and_scores_an_expo(demo):
    from labinov.innovations.models import Expo, JuryScore
    from labinov.lab.models import Enrolment

    enrolments = Enrolment.objects.filter(programme__region__code=REGION)
    stages = set(enrolments.values_list("stage", flat=True))
    assert {"drum_up", "diagnose", "design"} <= stages
    waiting = [e for e in enrolments.filter(stage="drum_up") if hasattr(e, "readiness")]
    assert waiting, "some units wait for the drum-up gate"
    expo = Expo.objects.get(programme__region__code=REGION)
    scored = JuryScore.objects.filter(expo=expo).values("innovation").distinct().count()
    exhibited = Innovation.objects.filter(
        enrolment__programme=expo.programme, stage__in=("display", "documentation")
    ).count()
    assert 0 < scored < exhibited  # the assessor still has innovations to score


def test_dashboard_figures_equal_counts_from_the_database(client_for, demo):
    page = client_for(demo).get(f"/inovasi/dasbor/?wilayah={REGION}").content.decode()
    qs = Innovation.objects.filter(enrolment__programme__region__code=REGION)
    today = timezone.localdate()
    assert _figure(page, "total") == qs.count()
    assert _figure(page, "terbit") == qs.filter(published_at__isnull=False).count() == 16
    assert _figure(page, "selesai") == qs.filter(documented_at__isnull=False).count() == 8
    overdue = (
        Milestone.objects.filter(innovation__in=qs, end__lt=today, progress__lt=100)
        .values("innovation")
        .distinct()
        .count()
    )
    # The two made-up innovations left in design, their 2022 plan long past.
    assert _figure(page, "terlambat") == overdue == 2
    stuck = qs.filter(
        documented_at__isnull=True,
        stage_entered_at__lt=timezone.now() - datetime.timedelta(days=60),
    ).count()
    assert _figure(page, "macet") == stuck
    improved = {
        m.innovation_id
        for m in ServiceMeasure.objects.filter(innovation__in=qs, actual__isnull=False)
        if m.improved
    }
    assert _figure(page, "membaik") == len(improved) == 18
    # Innovations by unit and stage: every cell links to the list it counts.
    for unit_id, stage in qs.values_list("enrolment__unit_id", "stage").distinct():
        n = qs.filter(enrolment__unit_id=unit_id, stage=stage).count()
        link = f"unit={unit_id}&amp;tahap={stage}"
        assert re.search(rf'{re.escape(link)}">{n}</a>', page), (unit_id, stage)
    assert "<svg" in page and "<rect" in page
    assert GateDecision.objects.filter(innovation__isnull=False).count() == 59


def test_every_figure_links_to_the_list_of_the_same_innovations(client_for, demo):
    client = client_for(demo)
    page = client.get(f"/inovasi/dasbor/?wilayah={REGION}").content.decode()
    for key in ("terbit", "selesai", "terlambat", "membaik", "macet"):
        listing = client.get(f"/inovasi/?wilayah={REGION}&angka={key}").content.decode()
        count = int(re.search(r'id="count">(\d+)', listing).group(1))
        assert count == _figure(page, key), key


def test_an_improvement_is_measured_against_the_diagnosed_baseline(demo):
    measure = ServiceMeasure.objects.get(
        innovation__name="Matur Bupati (Matur Bup)", measure="days"
    )
    assert (measure.baseline, measure.actual) == (10, 2)
    assert ServiceMeasure.objects.filter(actual__lt=F("baseline"), measure="days").count() == 12


@pytest.mark.parametrize("username", ["demo-kepala-unit", "demo-anggota-tim"])
def test_the_units_people_do_not_see_the_regions_dashboard(client_for, demo, username):
    response = client_for(User.objects.get(username=username)).get(
        f"/inovasi/dasbor/?wilayah={REGION}"
    )
    assert response.status_code == 403
