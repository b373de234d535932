"""The lab's API: the list contract, anonymous visibility, cross-region isolation, errors."""

import pytest

from labinov.core.models import AuditEvent
from labinov.lab.models import LabProgramme
from tests.factories import RegionFactory
from tests.lab.conftest import add_problem, complete_drum_up


@pytest.fixture
def public_programme(other_region):
    return LabProgramme.objects.create(
        region=other_region, title="Lab Publik Uji", year=2023, is_public=True
    )


@pytest.mark.django_db
def test_anonymous_callers_see_only_public_programmes(client, programme, public_programme):
    body = client.get("/api/v1/programmes").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": public_programme.pk,
        "name": "Lab Publik Uji",
        "region": "99.02",
        "year": 2023,
        "stage": "drum_up",
        "status": "draft",
        "is_public": True,
    }
    assert client.get(f"/api/v1/programmes/{programme.pk}").status_code == 404


@pytest.mark.django_db
def test_the_list_takes_limit_and_offset(client_for, people, region):
    for year in range(2020, 2025):
        LabProgramme.objects.create(region=region, title=f"Lab {year}", year=year)
    client = client_for(people["leader"])
    body = client.get("/api/v1/programmes?limit=2&offset=1").json()
    assert body["count"] == 5
    assert [i["year"] for i in body["items"]] == [2023, 2022]


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["coordinator", "leader", "coach", "assessor", "unit_head"])
def test_the_regions_people_see_its_programme(client_for, people, programme, enrolment, role):
    body = client_for(people[role]).get("/api/v1/programmes").json()
    assert [i["id"] for i in body["items"]] == [programme.pk]


@pytest.mark.django_db
def test_another_regions_coordinator_sees_nothing_non_public(
    client_for, outsider, programme, enrolment
):
    client = client_for(outsider)
    assert client.get("/api/v1/programmes").json()["count"] == 0
    for path in (
        f"/api/v1/programmes/{programme.pk}",
        f"/api/v1/programmes/{programme.pk}/enrolments",
        f"/api/v1/enrolments/{enrolment.pk}/problems",
        f"/api/v1/enrolments/{enrolment.pk}/gate-decisions",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.django_db
def test_the_detail_has_the_plan_and_the_current_stage(client_for, people, programme, enrolment):
    body = client_for(people["coach"]).get(f"/api/v1/programmes/{programme.pk}").json()
    assert body["stage"] == "drum_up" and body["enrolment_count"] == 1
    assert body["plan"][0] == {"stage": "drum_up", "start": "2022-10-12", "end": "2022-10-13"}
    enrolments = (
        client_for(people["coach"]).get(f"/api/v1/programmes/{programme.pk}/enrolments").json()
    )
    assert enrolments["count"] == 1 and enrolments["items"][0]["unit"] == enrolment.unit.name


@pytest.mark.django_db
def test_a_public_programme_lists_units_but_not_their_problems(client, programme, enrolment):
    LabProgramme.objects.filter(pk=programme.pk).update(is_public=True)
    add_problem(enrolment)
    assert client.get(f"/api/v1/programmes/{programme.pk}/enrolments").json()["count"] == 1
    response = client.get(f"/api/v1/enrolments/{enrolment.pk}/problems")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


@pytest.mark.django_db
def test_a_coach_decides_a_gate_through_the_api(client_for, people, enrolment):
    from labinov.accounts.actions import create_api_token

    _token, raw = create_api_token(acting_user=people["coach"], name="uji")
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    url = f"/api/v1/enrolments/{enrolment.pk}/gate-decisions"
    refused = client.post(
        url,
        {"stage": "drum_up", "decision": "approved", "reason": "Cek"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    body = refused.json()
    assert body["code"] == "gate_refused"
    assert [e["field"] for e in body["errors"]] == [
        "commitment_signed",
        "team_formed",
        "team_decree",
        "readiness_done",
    ]
    complete_drum_up(enrolment)
    passed = client.post(
        url,
        {"stage": "drum_up", "decision": "approved", "reason": "Lengkap"},
        content_type="application/json",
    )
    assert passed.status_code == 201 and passed.json()["to_stage"] == "diagnose"
    history = client.get(url).json()
    assert history["count"] == 2
    assert {i["decision"] for i in history["items"]} == {"approved", "refused"}
    assert AuditEvent.objects.filter(action__startswith="lab.gate.").count() == 2


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["team_member", "unit_head", "leader", "assessor"])
def test_others_may_not_decide_through_the_api(people, enrolment, role):
    from django.test import Client

    from labinov.accounts.actions import create_api_token
    from labinov.lab.models import GateDecision

    complete_drum_up(enrolment)
    _token, raw = create_api_token(acting_user=people[role], name="uji")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {raw}").post(
        f"/api/v1/enrolments/{enrolment.pk}/gate-decisions",
        {"stage": "drum_up", "decision": "approved", "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert not GateDecision.objects.exists()


@pytest.mark.django_db
def test_bad_input_answers_the_one_error_shape(client, programme):
    response = client.get("/api/v1/programmes?limit=abc")
    assert response.status_code == 422 and response.json()["code"] == "invalid"
    response = client.post(
        f"/api/v1/enrolments/{programme.pk}/gate-decisions", {}, content_type="application/json"
    )
    assert set(response.json()) == {"message", "code", "errors"}


@pytest.mark.django_db
def test_programmes_filter_by_region(client):
    region = RegionFactory(code="99.07")
    LabProgramme.objects.create(region=region, title="Lab A", year=2022, is_public=True)
    assert client.get("/api/v1/programmes?region=99.07").json()["count"] == 1
    assert client.get("/api/v1/programmes?region=99.08").json()["count"] == 0


@pytest.mark.django_db
def test_the_programme_list_costs_the_same_few_queries_for_many_programmes(
    client, region, django_assert_max_num_queries
):
    from labinov.lab.models import LabProgramme
    from tests.factories import UnitFactory

    units = UnitFactory.create_batch(3, region=region)
    for year in range(2015, 2025):
        programme = LabProgramme.objects.create(
            region=region, title=f"Lab {year}", year=year, is_public=True
        )
        for unit in units:
            programme.enrolments.create(unit=unit)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/programmes?limit=100").json()
    assert body["count"] == 10 and all(item["stage"] for item in body["items"])
