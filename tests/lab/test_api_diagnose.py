"""Diagnose through the API (issue 12: the API reaches what the pages do): problems, causes,
USG scores and ideas, with the pages' permissions, stages and messages."""

import json

import pytest

from labinov.lab.models import Cause, Idea, Problem, UsgScore
from tests.lab.conftest import add_problem, complete_drum_up
from tests.regions.test_api import bearer

PROBLEM = {
    "service": "Perekaman KTP-el",
    "description": "Warga menunggu blangko sampai tiga bulan",
    "affected": "Warga berusia 17 tahun",
    "baseline_days": 90,
    "baseline_steps": 6,
}


def _post(client, path, body, user):
    return client.post(path, json.dumps(body), content_type="application/json", **bearer(user))


def _patch(client, path, body, user):
    return client.patch(path, json.dumps(body), content_type="application/json", **bearer(user))


def _put(client, path, body, user):
    return client.put(path, json.dumps(body), content_type="application/json", **bearer(user))


@pytest.mark.django_db
def test_the_team_lists_a_problem_scores_it_finds_a_cause_and_an_idea(client, people, enrolment):
    member = people["team_member"]
    answer = _post(client, f"/api/v1/enrolments/{enrolment.pk}/problems", PROBLEM, member)
    assert answer.status_code == 201, answer.json()
    problem_id = answer.json()["id"]
    assert answer.json()["baseline_days"] == 90 and answer.json()["causes"] == []

    cause = _post(
        client,
        f"/api/v1/problems/{problem_id}/causes",
        {"category": "bahan", "text": "Blangko sering kosong"},
        member,
    )
    assert cause.status_code == 201 and cause.json()["category"] == "bahan"

    # An idea before the problem is a priority is refused with the page's reason.
    early = _post(client, f"/api/v1/problems/{problem_id}/ideas", {"title": "KTP antar"}, member)
    assert early.status_code == 400 and "USG" in early.json()["message"]
    assert not Idea.objects.exists()

    usg = _put(
        client,
        f"/api/v1/problems/{problem_id}/usg",
        {"urgency": 5, "seriousness": 4, "growth": 4},
        member,
    )
    assert usg.status_code == 200 and usg.json()["urgency"] == 5
    idea = _post(
        client,
        f"/api/v1/problems/{problem_id}/ideas",
        {"title": "KTP-el antar ke desa", "is_new": True, "benefits": True},
        member,
    )
    assert idea.status_code == 201 and idea.json()["criteria_met"] == 2

    fixed = _patch(client, f"/api/v1/ideas/{idea.json()['id']}", {"replicable": True}, member)
    assert fixed.status_code == 200 and fixed.json()["criteria_met"] == 3
    assert fixed.json()["title"] == "KTP-el antar ke desa"

    corrected = _patch(client, f"/api/v1/problems/{problem_id}", {"baseline_days": 60}, member)
    assert corrected.status_code == 200 and corrected.json()["baseline_days"] == 60
    whole = client.get(f"/api/v1/problems/{problem_id}", **bearer(member)).json()
    assert [c["text"] for c in whole["causes"]] == ["Blangko sering kosong"]
    assert [i["title"] for i in whole["ideas"]] == ["KTP-el antar ke desa"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("coach", 403), ("leader", 403), ("coordinator", 403), ("other_team", 404)],
)
def test_only_the_units_team_writes_its_diagnose(
    client, people, enrolment, who, status, other_unit
):
    from labinov.accounts.models import Role
    from tests.factories import RoleFactory, UserFactory

    if who == "other_team":
        user = UserFactory(username="tim-lain")
        RoleFactory(user=user, role=Role.TEAM_MEMBER, region=other_unit.region, unit=other_unit)
    else:
        user = people[who]
    answer = _post(client, f"/api/v1/enrolments/{enrolment.pk}/problems", PROBLEM, user)
    assert answer.status_code == status
    assert set(answer.json()) == {"message", "code", "errors"}
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_a_problem_of_another_unit_is_not_found_and_anonymous_callers_must_log_in(
    client, people, enrolment, other_unit
):
    from labinov.accounts.models import Role
    from tests.factories import RoleFactory, UserFactory

    problem = add_problem(enrolment)
    stranger = UserFactory(username="tim-lain")
    RoleFactory(user=stranger, role=Role.TEAM_MEMBER, region=other_unit.region, unit=other_unit)
    assert client.get(f"/api/v1/problems/{problem.pk}", **bearer(stranger)).status_code == 404
    refused = _put(
        client,
        f"/api/v1/problems/{problem.pk}/usg",
        {"urgency": 5, "seriousness": 5, "growth": 5},
        stranger,
    )
    assert refused.status_code == 404 and not UsgScore.objects.exists()
    anonymous = client.post(
        f"/api/v1/problems/{problem.pk}/causes",
        json.dumps({"category": "metode", "text": "x"}),
        content_type="application/json",
    )
    assert anonymous.status_code == 401 and not Cause.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**PROBLEM, "service": "  "}, "service"),
        ({**PROBLEM, "baseline_days": -1}, "baseline_days"),
        ({**PROBLEM, "evidence_link": "javascript:alert(1)"}, "evidence_link"),
        ({"service": "Tanpa uraian"}, "description"),
    ],
)
def test_bad_input_is_refused_with_the_field_named_and_nothing_saved(
    client, people, enrolment, body, field
):
    answer = _post(
        client, f"/api/v1/enrolments/{enrolment.pk}/problems", body, people["team_member"]
    )
    assert answer.status_code in (400, 422), answer.json()
    assert field in json.dumps(answer.json()["errors"]) or field in answer.json()["message"]
    assert not Problem.objects.exists()


@pytest.mark.django_db
def test_nulls_do_not_break_a_problem_or_an_idea(client, people, enrolment):
    member = people["team_member"]
    problem = add_problem(enrolment, evidence_text="Data keluhan 2022")
    answer = _patch(
        client,
        f"/api/v1/problems/{problem.pk}",
        {"evidence_text": None, "baseline_steps": None},
        member,
    )
    assert answer.status_code == 200
    problem.refresh_from_db()
    assert problem.evidence_text == "Data keluhan 2022" and problem.baseline_steps is None
    required = _patch(client, f"/api/v1/problems/{problem.pk}", {"service": None}, member)
    assert required.status_code == 400
    problem.refresh_from_db()
    assert problem.service == "Akta kelahiran"


@pytest.mark.django_db
def test_after_the_diagnose_gate_problems_are_locked(client, people, enrolment):
    from labinov.lab.models import Enrolment

    complete_drum_up(enrolment)
    problem = add_problem(enrolment)
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    answer = _patch(
        client, f"/api/v1/problems/{problem.pk}", {"baseline_days": 1}, people["unit_head"]
    )
    assert answer.status_code == 400 and answer.json()["message"]
    problem.refresh_from_db()
    assert problem.baseline_days == 14


def test_the_openapi_description_has_examples_for_diagnose(client):
    spec = client.get("/api/v1/openapi.json").json()
    schema = spec["components"]["schemas"]["ProblemIn"]
    assert schema["properties"]["service"]["examples"] == ["Perekaman KTP-el"]
    assert "/api/v1/problems/{problem_id}/ideas" in spec["paths"]
