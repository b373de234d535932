"""A programme's plan: one row per stage, checked for order and year, through the
programme form and the API (issue 14; issue 11, item 4)."""

import datetime

import pytest
from django.test import Client

from labinov.core.models import AuditEvent
from labinov.lab.models import LabProgramme, StagePlan
from labinov.lab.stages import STAGE_KEYS, STAGES
from tests.factories import programme_with_plan

D = datetime.date


def form_data(region, *, year=2027, title="Laboratorium Inovasi Uji 2027", **dates):
    """The programme form as a browser sends it: every stage's two date inputs."""
    data = {
        "wilayah": region.code,
        "title": title,
        "year": year,
        "status": "draft",
        "pact_text": "Kami berkomitmen.",
    }
    for key in STAGE_KEYS:
        data[f"{key}_start"] = ""
        data[f"{key}_end"] = ""
    data.update(dates)
    return data


def _error_of(html: str, field: str) -> str:
    """The error text shown under one field of the form."""
    marker = f'id="id_{field}_error"'
    assert marker in html, f"no error shown on {field}"
    part = html.split(marker, 1)[1]
    return part.split("</div>", 1)[0]


def api_client(user):
    from labinov.accounts.actions import create_api_token

    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.django_db
def test_the_form_offers_a_start_and_an_end_for_every_declared_stage(client_for, people, region):
    html = client_for(people["coordinator"]).get(f"/lab/baru/?wilayah={region.code}").content
    html = html.decode()
    for stage in STAGES:
        assert f'name="{stage.key}_start"' in html and f'name="{stage.key}_end"' in html
    assert "Jadwal rencana" in html and "Drum-up mulai" in html


@pytest.mark.django_db
def test_a_plan_saved_through_the_form_is_one_row_per_stage_with_dates(client_for, people, region):
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}",
        form_data(
            region,
            drum_up_start="2027-03-01",
            drum_up_end="2027-03-02",
            diagnose_start="2027-03-01",
            diagnose_end="2027-03-05",
            documentation_start="2027-11-01",
            documentation_end="2028-02-28",
        ),
    )
    assert response.status_code == 302
    programme = LabProgramme.objects.get(title="Laboratorium Inovasi Uji 2027")
    rows = {r.stage: (r.start, r.end) for r in programme.plan_rows.all()}
    assert rows == {
        "drum_up": (D(2027, 3, 1), D(2027, 3, 2)),
        "diagnose": (D(2027, 3, 1), D(2027, 3, 5)),
        "documentation": (D(2027, 11, 1), D(2028, 2, 28)),
    }
    event = AuditEvent.objects.get(action="lab.programme.created")
    assert event.details["plan"]["diagnose"] == ["2027-03-01", "2027-03-05"]
    html = client_for(people["coordinator"]).get(programme.get_absolute_url()).content.decode()
    assert "1 Mar 2027" in html and "28 Feb 2028" in html


@pytest.mark.django_db
def test_diagnose_starting_in_2026_is_refused_in_the_2027_programme(client_for, people, region):
    """Issue 11, item 4: the walk got this accepted."""
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}",
        form_data(
            region,
            drum_up_start="2027-03-01",
            drum_up_end="2027-03-02",
            diagnose_start="2026-03-03",
            diagnose_end="2027-03-05",
        ),
    )
    assert response.status_code == 200
    error = _error_of(response.content.decode(), "diagnose_start")
    assert "Diagnose dimulai pada 2026, padahal ini program tahun 2027" in error
    assert "Diagnose dimulai sebelum Drum-up (1 Maret 2027)" in error
    assert not LabProgramme.objects.filter(title="Laboratorium Inovasi Uji 2027").exists()
    assert not StagePlan.objects.exists()


@pytest.mark.django_db
def test_a_stage_starting_before_the_previous_one_is_refused_on_its_field(
    client_for, people, region
):
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}",
        form_data(
            region,
            design_start="2027-05-01",
            deliver_start="2027-04-30",
            deliver_end="2027-07-30",
        ),
    )
    assert response.status_code == 200
    error = _error_of(response.content.decode(), "deliver_start")
    assert "Deliver dimulai sebelum Design (1 Mei 2027)" in error
    assert not LabProgramme.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("dates", "field", "message"),
    [
        (
            {"drum_up_start": "2027-03-02", "drum_up_end": "2027-03-01"},
            "drum_up_end",
            "Drum-up selesai sebelum dimulai (2 Maret 2027)",
        ),
        ({"design_end": "2027-05-01"}, "design_start", "Isi juga tanggal mulai Design"),
        (
            {"display_start": "2027-12-01", "display_end": "2029-01-01"},
            "display_end",
            "paling lambat pada 2028",
        ),
    ],
)
def test_other_broken_dates_are_refused_on_their_field(
    client_for, people, region, dates, field, message
):
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}", form_data(region, **dates)
    )
    assert response.status_code == 200
    assert message in _error_of(response.content.decode(), field)
    assert not LabProgramme.objects.exists()


@pytest.mark.django_db
def test_editing_the_plan_changes_its_rows_and_a_wrong_year_saves_nothing(
    client_for, people, region
):
    programme = programme_with_plan(
        region=region,
        title="Lab Uji",
        year=2027,
        plan={"drum_up": (D(2027, 3, 1), D(2027, 3, 2)), "design": (D(2027, 5, 1), None)},
    )
    client = client_for(people["coordinator"])
    url = f"/lab/{programme.pk}/ubah/"
    html = client.get(url).content.decode()
    assert 'name="drum_up_start" value="2027-03-01"' in html
    response = client.post(
        url,
        form_data(
            region,
            title="Lab Uji",
            drum_up_start="2027-03-01",
            drum_up_end="2027-03-03",
            deliver_start="2027-06-01",
        ),
    )
    assert response.status_code == 302
    rows = {r.stage: (r.start, r.end) for r in StagePlan.objects.filter(programme=programme)}
    assert rows == {
        "drum_up": (D(2027, 3, 1), D(2027, 3, 3)),
        "deliver": (D(2027, 6, 1), None),
    }
    event = AuditEvent.objects.get(action="lab.programme.updated")
    before, after = event.details["changed"]["plan"]
    assert before["design"] == ["2027-05-01", None] and "design" not in after

    # The same dates in a 2028 programme: every start is in the wrong year.
    response = client.post(
        url,
        form_data(
            region,
            title="Lab Uji",
            year=2028,
            drum_up_start="2027-03-01",
            drum_up_end="2027-03-03",
            deliver_start="2027-06-01",
        ),
    )
    assert response.status_code == 200
    assert "program tahun 2028" in _error_of(response.content.decode(), "deliver_start")
    programme.refresh_from_db()
    assert programme.year == 2027
    assert StagePlan.objects.filter(programme=programme).count() == 2


@pytest.mark.django_db
def test_the_plan_is_read_once_not_once_per_stage(
    client_for, people, region, django_assert_num_queries
):
    from labinov.lab.selectors import programmes_visible_to

    programme_with_plan(
        region=region,
        title="Lab Uji",
        year=2027,
        plan={key: (D(2027, 3, 1), None) for key in STAGE_KEYS},
    )
    visible = programmes_visible_to(people["coordinator"])
    with django_assert_num_queries(2):  # the programme, then its plan's rows
        programme = visible.get(title="Lab Uji")
    with django_assert_num_queries(0):
        assert [row["start"] for row in programme.plan()] == [D(2027, 3, 1)] * len(STAGES)


@pytest.mark.django_db
def test_units_are_late_against_the_planned_rows(client_for, people, region, unit):
    from labinov.lab import actions
    from tests.lab.conftest import SYSTEM

    programme = programme_with_plan(
        region=region,
        title="Lab Uji",
        year=2022,
        plan={STAGE_KEYS[0]: (D(2022, 10, 12), D(2022, 10, 13))},
    )
    actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])
    html = client_for(people["coordinator"]).get(f"/lab/{programme.pk}/papan/").content.decode()
    assert "1 unit terlambat" in html
    StagePlan.objects.filter(programme=programme).update(end=datetime.date.today())
    html = client_for(people["coordinator"]).get(f"/lab/{programme.pk}/papan/").content.decode()
    assert "0 unit terlambat" in html


# The API --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_api_creates_a_programme_with_its_plan_as_a_list(people, region):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes",
        {
            "region": region.code,
            "name": "Laboratorium Inovasi API 2027",
            "year": 2027,
            "plan": [
                {"stage": "drum_up", "start": "2027-03-01", "end": "2027-03-02"},
                {"stage": "diagnose", "start": "2027-03-01", "end": "2027-03-05"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["plan"][0] == {"stage": "drum_up", "start": "2027-03-01", "end": "2027-03-02"}
    assert [row["stage"] for row in body["plan"]] == list(STAGE_KEYS)
    assert body["plan"][2] == {"stage": "design", "start": None, "end": None}
    programme = LabProgramme.objects.get(pk=body["id"])
    assert programme.planned("diagnose") == (D(2027, 3, 1), D(2027, 3, 5))
    assert AuditEvent.objects.filter(action="lab.programme.created").count() == 1


@pytest.mark.django_db
def test_a_plan_breaking_the_rules_answers_422_and_creates_nothing(people, region):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes",
        {
            "region": region.code,
            "name": "Lab Salah",
            "year": 2027,
            "plan": [
                {"stage": "drum_up", "start": "2027-03-01", "end": "2027-02-01"},
                {"stage": "diagnose", "start": "2026-03-01"},
            ],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid"
    fields = {e["field"] for e in body["errors"]}
    assert fields == {"plan.drum_up.end", "plan.diagnose.start"}
    assert "program tahun 2027" in body["message"]
    assert not LabProgramme.objects.exists() and not StagePlan.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "plan",
    [
        [{"stage": "drum_up", "start": "2027-03-01"}, {"stage": "drum_up", "start": "2027-03-02"}],
        [{"stage": "no_such_stage", "start": "2027-03-01"}],
        [{"stage": "drum_up", "start": "1 Maret"}],
    ],
)
def test_a_malformed_plan_answers_422(people, region, plan):
    response = api_client(people["coordinator"]).post(
        "/api/v1/programmes",
        {"region": region.code, "name": "Lab Salah", "year": 2027, "plan": plan},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert set(response.json()) == {"message", "code", "errors"}
    assert not LabProgramme.objects.exists()


@pytest.mark.django_db
def test_patch_changes_the_stages_it_names_and_keeps_the_others(people, region):
    programme = programme_with_plan(
        region=region,
        title="Lab Uji",
        year=2027,
        plan={"drum_up": (D(2027, 3, 1), D(2027, 3, 2)), "design": (D(2027, 5, 1), None)},
    )
    client = api_client(people["coordinator"])
    url = f"/api/v1/programmes/{programme.pk}"
    response = client.patch(
        url,
        {
            "plan": [
                {"stage": "design", "start": None, "end": None},
                {"stage": "deliver", "start": "2027-06-01"},
            ]
        },
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    plan = {row["stage"]: [row["start"], row["end"]] for row in response.json()["plan"]}
    assert plan["drum_up"] == ["2027-03-01", "2027-03-02"]
    assert plan["design"] == [None, None] and plan["deliver"] == ["2027-06-01", None]

    # A year that the plan does not fit is refused, naming each date.
    response = client.patch(url, {"year": 2029}, content_type="application/json")
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {
        "plan.drum_up.start",
        "plan.drum_up.end",
        "plan.deliver.start",
    }
    programme.refresh_from_db()
    assert programme.year == 2027


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "coach", "unit_head"])
def test_only_the_coordinator_changes_a_plan_through_the_api(people, region, role):
    programme = programme_with_plan(region=region, title="Lab Uji", year=2027)
    response = api_client(people[role]).patch(
        f"/api/v1/programmes/{programme.pk}",
        {"plan": [{"stage": "drum_up", "start": "2027-03-01"}]},
        content_type="application/json",
    )
    assert response.status_code in (403, 404)
    assert not StagePlan.objects.exists()
