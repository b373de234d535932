import pytest
from django.core.management import call_command

from labinov.core.models import AuditEvent
from labinov.demo.loader import DEMO_PASSWORD
from labinov.lab.models import Enrolment, GateDecision, LabProgramme, Problem, UsgScore
from labinov.lab.stages import STAGE_KEYS

TITLE = "Laboratorium Inovasi Kabupaten Purbalingga 2022"


@pytest.fixture
def demo(db):
    call_command("demo")
    return LabProgramme.objects.get(title=TITLE)


def test_the_2022_programme_has_its_real_dates_and_all_units(demo):
    assert demo.is_public and demo.region.code == "33.03"
    dates = {key: [str(d) if d else None for d in demo.planned(key)] for key in STAGE_KEYS}
    assert dates["drum_up"] == ["2022-10-12", "2022-10-13"]
    assert dates["diagnose"] == ["2022-10-12", "2022-10-13"]
    assert dates["design"] == ["2022-11-23", "2022-11-23"]
    assert dates["display"] == ["2022-12-15", "2022-12-18"]
    assert dates["documentation"] == ["2022-12-19", None]
    assert demo.enrolments.count() == 86
    assert [c.username for c in demo.coaches.all()] == ["demo-coach"]


def test_the_demo_unit_went_through_diagnose_with_marked_demo_content(demo):
    enrolment = Enrolment.objects.get(programme=demo, unit__name__startswith="Dinas Kependudukan")
    assert enrolment.stage == "design"
    assert set(
        GateDecision.objects.filter(enrolment=enrolment).values_list("decision", flat=True)
    ) == {"approved"}
    problems = Problem.objects.filter(enrolment=enrolment)
    assert problems.count() == 3
    assert all(p.is_demo and p.description.startswith("[Contoh demo]") for p in problems)
    assert UsgScore.objects.filter(problem__enrolment=enrolment).count() == 6


def test_loading_twice_adds_nothing(demo):
    before = (Problem.objects.count(), GateDecision.objects.count(), AuditEvent.objects.count())
    call_command("demo")
    after = (Problem.objects.count(), GateDecision.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_anyone_sees_the_public_programme_and_the_leader_sees_the_region(demo, client):
    items = client.get("/api/v1/programmes").json()["items"]
    assert [i["name"] for i in items] == [TITLE]
    assert items[0]["region"] == "33.03" and items[0]["stage"] == "drum_up"
    client.login(username="demo-pimpinan", password=DEMO_PASSWORD)
    html = client.get(f"/lab/{demo.pk}/ringkasan/").content.decode()
    assert "86" in html and "Dinas Kependudukan" in html
