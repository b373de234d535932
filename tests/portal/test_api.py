"""The portal's API: the public gallery and filing a proposal with no login (the same
throttle and honeypot as the form), and the moderators' list and decisions."""

import json

import pytest

from labinov.lab.models import Idea
from labinov.portal.models import Proposal
from tests.portal.conftest import FORM, PRIVATE, PROPOSER, assert_nothing_private

pytestmark = pytest.mark.django_db


def _post(client, url, body, **extra):
    return client.post(url, json.dumps(body), content_type="application/json", **extra)


def test_the_gallery_lists_published_innovations_only(
    client, region, published, unpublished, people
):
    response = client.get("/api/v1/portal/gallery", {"region": region.code})
    body = response.json()
    assert body["count"] == 1 and body["items"][0]["name"] == published.name
    assert_nothing_private(response.content.decode(), people)
    assert (
        client.get("/api/v1/portal/gallery", {"region": region.code, "q": "Rahasia"}).json()[
            "count"
        ]
        == 0
    )
    unknown = client.get("/api/v1/portal/gallery", {"region": "00.00"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "region"
    assert PRIVATE["unpublished"] not in response.content.decode()


def test_a_citizen_files_a_proposal_and_reads_its_status(client, region):
    response = _post(
        client, "/api/v1/portal/proposals", {"region": region.code, **FORM, **PROPOSER}
    )
    assert response.status_code == 201
    url = response.json()["status_url"]
    token = url.rstrip("/").rsplit("/", 1)[1]
    assert Proposal.objects.get().token == token
    status = client.get(f"/api/v1/portal/proposals/status/{token}").json()
    assert status["status"] == "received" and PROPOSER["contact"] not in json.dumps(status)
    assert client.get("/api/v1/portal/proposals/status/salah").status_code == 404


def test_a_bad_proposal_is_refused_with_a_message_and_nothing_saved(client, region):
    response = _post(
        client, "/api/v1/portal/proposals", {"region": region.code, **FORM, "idea": " "}
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "idea"
    response = _post(client, "/api/v1/portal/proposals", {"region": "00.00", **FORM})
    assert response.status_code == 422
    assert not Proposal.objects.exists()


def test_the_honeypot_refuses_and_saves_nothing(client, region):
    response = _post(
        client, "/api/v1/portal/proposals", {"region": region.code, **FORM, "website": "x"}
    )
    assert response.status_code == 400 and response.json()["code"] == "refused"
    assert not Proposal.objects.exists()


def test_flooding_the_api_from_one_address_answers_429(client, region, settings):
    settings.PROPOSALS_PER_ADDRESS = 2
    body = {"region": region.code, **FORM}
    assert [_post(client, "/api/v1/portal/proposals", body).status_code for _n in range(2)] == [
        201,
        201,
    ]
    response = _post(client, "/api/v1/portal/proposals", body)
    assert response.status_code == 429 and response.json()["code"] == "throttled"
    assert "Retry-After" in response and Proposal.objects.count() == 2


def test_only_the_regions_coordinator_lists_and_decides(
    client, client_for, people, outsider, proposal
):
    assert client.get("/api/v1/portal/proposals").status_code == 401
    assert client_for(outsider).get("/api/v1/portal/proposals").json()["count"] == 0
    assert client_for(people["leader"]).get("/api/v1/portal/proposals").json()["count"] == 0
    coordinator = client_for(people["coordinator"])
    items = coordinator.get("/api/v1/portal/proposals").json()["items"]
    assert items[0]["contact"] == PROPOSER["contact"]
    url = f"/api/v1/portal/proposals/{proposal.pk}/decision"
    assert _post(client_for(outsider), url, {"decision": "spam"}).status_code == 404
    refused = _post(coordinator, url, {"decision": "reject", "reason": ""})
    assert refused.status_code == 400 and refused.json()["message"]
    proposal.refresh_from_db()
    assert proposal.status == "received"
    done = _post(coordinator, url, {"decision": "accept", "reason": "Bagus."})
    assert done.status_code == 200 and done.json()["status"] == "accepted"


def test_the_coordinator_passes_a_proposal_to_a_unit(client_for, people, proposal, diagnosing):
    coordinator = client_for(people["coordinator"])
    url = f"/api/v1/portal/proposals/{proposal.pk}/idea"
    response = _post(coordinator, url, {"enrolment": diagnosing.pk, "title": "Antrean SMS"})
    assert response.status_code == 200
    idea = Idea.objects.get(title="Antrean SMS")
    assert response.json()["idea_id"] == idea.pk and response.json()["status"] == "idea"
    team = client_for(people["team_member"])
    again = _post(team, url, {"enrolment": diagnosing.pk, "title": "Lagi"})
    assert again.status_code == 404 and Idea.objects.count() == 1
