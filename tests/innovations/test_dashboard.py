"""The leader's portfolio dashboard on the demo data: its figures equal direct counts."""

import datetime
import re

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from labinov.accounts.models import User
from labinov.innovations.models import Innovation, Milestone, ServiceMeasure
from labinov.lab.models import GateDecision

REGION = "33.03"


@pytest.fixture
def demo(db):
    call_command("demo")
    return User.objects.get(username="demo-pimpinan")


def _figure(page: str, key: str) -> int:
    match = re.search(rf'data-figure="{key}"><strong>(\d+)</strong>', page)
    assert match, key
    return int(match.group(1))


def test_the_demo_innovations_are_marked_and_taken_through_stages(demo):
    innovations = Innovation.objects.filter(enrolment__programme__region__code=REGION)
    assert innovations.count() == 3
    assert all(i.is_demo for i in innovations)
    stages = dict(innovations.values_list("name", "stage"))
    assert stages == {
        "[Contoh demo] Akta Lahir dari Puskesmas": "documentation",
        "Matur Bupati (Matur Bup)": "documentation",
        "Purbalingga Satu Data": "design",
    }
    real = innovations.get(name="Matur Bupati (Matur Bup)")
    assert "kata-kata kami sendiri" in real.public_summary
    assert real.documented_at is None and real.published_at is not None
    call_command("demo")
    assert Innovation.objects.count() == 3


def test_dashboard_figures_equal_counts_from_the_database(client_for, demo):
    page = client_for(demo).get(f"/inovasi/dasbor/?wilayah={REGION}").content.decode()
    qs = Innovation.objects.filter(enrolment__programme__region__code=REGION)
    today = timezone.localdate()
    assert _figure(page, "total") == qs.count()
    assert _figure(page, "terbit") == qs.filter(published_at__isnull=False).count() == 2
    assert _figure(page, "selesai") == qs.filter(documented_at__isnull=False).count() == 1
    overdue = (
        Milestone.objects.filter(innovation__in=qs, end__lt=today, progress__lt=100)
        .values("innovation")
        .distinct()
        .count()
    )
    assert _figure(page, "terlambat") == overdue == 1
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
    assert _figure(page, "membaik") == len(improved) == 2
    # Innovations by unit and stage: every cell links to the list it counts.
    for unit_id, stage in qs.values_list("enrolment__unit_id", "stage").distinct():
        n = qs.filter(enrolment__unit_id=unit_id, stage=stage).count()
        link = f"unit={unit_id}&amp;tahap={stage}"
        assert re.search(rf'{re.escape(link)}">{n}</a>', page), (unit_id, stage)
    assert "<svg" in page and "<rect" in page
    assert GateDecision.objects.filter(innovation__isnull=False).count() == 7


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
    assert ServiceMeasure.objects.filter(actual__lt=F("baseline"), measure="days").count() == 2


@pytest.mark.parametrize("username", ["demo-kepala-unit", "demo-anggota-tim"])
def test_the_units_people_do_not_see_the_regions_dashboard(client_for, demo, username):
    response = client_for(User.objects.get(username=username)).get(
        f"/inovasi/dasbor/?wilayah={REGION}"
    )
    assert response.status_code == 403
