"""Index answers through the API as they land (issue 12): the coordinator's, with evidence
links; the index follows; others and bad input change nothing."""

import json

import pytest

from labinov.core.system import SystemActor
from labinov.index import actions
from labinov.index.models import Answer, Rubric
from tests.regions.test_api import bearer

pytestmark = pytest.mark.django_db
KEY = "SPD-12-PENGHARGAAN_INOVATOR.12"
LINK = "https://jdih.example.go.id/sk-penghargaan-2023.pdf"


@pytest.fixture
def assessment(innovation):
    return actions.start_assessment(
        acting_user=SystemActor("uji"),
        region=innovation.region,
        year=2023,
        rubric=Rubric.objects.get(version="IID-2023"),
    )


def _put(client, path, body, user=None):
    headers = bearer(user) if user else {}
    return client.put(path, json.dumps(body), content_type="application/json", **headers)


def test_the_coordinator_answers_with_an_evidence_link_and_the_index_follows(
    client, assessment, people
):
    code = assessment.region.code
    before = client.get(f"/api/v1/regions/{code}/index").json()["index"]
    answer = _put(
        client,
        f"/api/v1/regions/{code}/index/2023/answers/{KEY}",
        {"level": 3, "evidence_link": LINK},
        people["coordinator"],
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {
        "item_key": KEY,
        "innovation": None,
        "level": 3,
        "has_evidence": True,
        "evidence_link": LINK,
        "evidence_note": "",
    }
    # weight 2 x level 3 = 6 points = 2.4 index points, as on the page
    after = client.get(f"/api/v1/regions/{code}/index").json()["index"]
    assert after == pytest.approx(before + 2.4)


@pytest.mark.parametrize("who", ["leader", "coach", "assessor", "unit_head", "team_member"])
def test_only_the_coordinator_and_admins_answer(client, assessment, people, who):
    answer = _put(
        client,
        f"/api/v1/regions/{assessment.region.code}/index/2023/answers/{KEY}",
        {"level": 3},
        people[who],
    )
    assert answer.status_code == 403
    assert not Answer.objects.filter(assessment=assessment).exists()
    anonymous = _put(
        client, f"/api/v1/regions/{assessment.region.code}/index/2023/answers/{KEY}", {"level": 3}
    )
    assert anonymous.status_code == 401


@pytest.mark.parametrize(
    ("path_key", "body", "status"),
    [
        (KEY, {"level": 7}, 400),  # a level the rubric does not offer
        ("NO-SUCH-KEY", {"level": 1}, 400),
        (KEY, {"level": 3, "evidence_link": "javascript:alert(1)"}, 422),
        (KEY, {"level": -1}, 422),
        (KEY, {"level": 3, "innovation": 999999}, 404),
    ],
)
def test_bad_answers_are_refused_and_change_nothing(
    client, assessment, people, path_key, body, status
):
    answer = _put(
        client,
        f"/api/v1/regions/{assessment.region.code}/index/2023/answers/{path_key}",
        body,
        people["coordinator"],
    )
    assert answer.status_code == status, answer.json()
    assert answer.json()["message"]
    assert not Answer.objects.filter(assessment=assessment).exists()


def test_an_unknown_year_is_not_found(client, assessment, people):
    answer = _put(
        client,
        f"/api/v1/regions/{assessment.region.code}/index/1999/answers/{KEY}",
        {"level": 3},
        people["coordinator"],
    )
    assert answer.status_code == 404
