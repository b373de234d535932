"""The open feed, GET /api/v1/open/innovations (DESIGN.md contract 8), and withdrawing a
published innovation through the API."""

import json

import pytest

from labinov.innovations import actions
from labinov.lab import actions as gate_actions
from labinov.library.exchange import COLUMNS
from labinov.library.models import LibraryEntry
from tests.opendata.conftest import SYSTEM, assert_nothing_private

FEED = "/api/v1/open/innovations"
EPOCH = "1970-01-01T00:00:00Z"


def feed(client, **params):
    response = client.get(FEED, {"since": EPOCH, **params})
    assert response.status_code == 200, response.content
    return response.json()


@pytest.mark.django_db
def test_the_feed_lists_published_innovations_in_the_exchange_format(
    client, people, published, unpublished
):
    body = feed(client)
    assert body["count"] == 1 and body["next"] is None
    (item,) = body["items"]
    assert set(item) >= {*COLUMNS, "updated", "withdrawn"}
    assert item["source_id"] == f"labinov-innovation-{published.pk}"
    assert item["name"] == "Akta Lahir dari Puskesmas"
    assert item["region"] == "Kabupaten Uji Satu"
    assert item["agency"] == "Dinas Kesehatan Uji"
    assert item["withdrawn"] is False
    assert item["licence"] == "CC-BY-4.0"
    assert item["url"] == f"http://testserver/inovasi/{published.pk}/"
    assert item["updated"].endswith("Z")
    assert_nothing_private(json.dumps(body, ensure_ascii=False), people)


def change_public_summary(innovation, text):
    """A published innovation sits in documentation, where its public summary is locked:
    the coach reopens display first, as a real correction goes."""
    gate_actions.reopen_stage(acting_user=SYSTEM, subject=innovation, reason="Ringkasan diperbaiki")
    innovation.refresh_from_db()
    actions.update_innovation(acting_user=SYSTEM, innovation=innovation, public_summary=text)


@pytest.mark.django_db
def test_since_gives_the_changes_after_it_and_an_update_keeps_the_source_id(client, published):
    first = feed(client)["items"][0]
    assert feed(client, since=first["updated"])["items"] == []

    change_public_summary(published, "Akta lahir kini terbit langsung di puskesmas.")

    changed = feed(client, since=first["updated"])
    (item,) = changed["items"]
    assert item["source_id"] == first["source_id"]
    assert item["solution"].startswith("Akta lahir kini terbit langsung di puskesmas.")
    assert item["updated"] > first["updated"]
    entry = LibraryEntry.objects.get(source="labinov", source_id=first["source_id"])
    assert entry.solution.startswith("Akta lahir kini terbit langsung di puskesmas.")


@pytest.mark.django_db
def test_a_withdrawn_innovation_is_marked_withdrawn_and_leaves_the_public(
    client, client_for, people, published
):
    coordinator = client_for(people["coordinator"])
    refused = client_for(people["team_member"]).post(
        f"{FEED}/{published.pk}/withdraw", {"reason": "Salah"}, content_type="application/json"
    )
    assert refused.status_code == 403
    assert set(refused.json()) == {"message", "code", "errors"}
    no_reason = coordinator.post(
        f"{FEED}/{published.pk}/withdraw", {"reason": " "}, content_type="application/json"
    )
    assert no_reason.status_code == 400

    response = coordinator.post(
        f"{FEED}/{published.pk}/withdraw",
        {"reason": "Data belum diverifikasi"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    (item,) = feed(client)["items"]
    assert item["withdrawn"] is True
    assert item["source_id"] == f"labinov-innovation-{published.pk}"
    assert item["name"] == "" and item["problem"] == "" and item["region"] == ""
    assert client.get(f"/api/v1/innovations/{published.pk}").status_code == 404
    assert client.get(f"/inovasi/{published.pk}/").status_code == 404
    assert not LibraryEntry.objects.filter(source="labinov").exists()
    assert client.get("/api/v1/library/search", {"q": "akta"}).json()["count"] == 0
    again = coordinator.post(
        f"{FEED}/{published.pk}/withdraw", {"reason": "lagi"}, content_type="application/json"
    )
    assert again.status_code == 400


@pytest.mark.django_db
def test_pages_follow_next_oldest_change_first(client, published, unpublished, people):
    from tests.innovations.conftest import take_through

    take_through(unpublished, "design", "deliver", "display", decider=people["coach"])
    first = feed(client, limit=1)
    assert first["count"] == 2 and len(first["items"]) == 1
    assert first["next"].startswith("http://testserver/api/v1/open/innovations?")
    second = client.get(first["next"]).json()
    assert second["next"] is None and second["count"] == 1
    ids = [first["items"][0]["source_id"], second["items"][0]["source_id"]]
    assert ids == [f"labinov-innovation-{published.pk}", f"labinov-innovation-{unpublished.pk}"]
    assert first["items"][0]["updated"] <= second["items"][0]["updated"]


@pytest.mark.django_db
def test_etag_and_last_modified_answer_304(client, published):
    response = client.get(FEED, {"since": EPOCH})
    etag, modified = response["ETag"], response["Last-Modified"]
    assert etag and modified
    assert client.get(FEED, {"since": EPOCH}, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(FEED, {"since": EPOCH}, HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    assert client.get(FEED, {"since": EPOCH}, HTTP_IF_NONE_MATCH='"other"').status_code == 200
    change_public_summary(published, "Ringkasan baru.")
    assert client.get(FEED, {"since": EPOCH}, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("since", ["kemarin", "2026-13-01", "1700000000", "2026-01-01T25:00"])
def test_a_bad_since_is_refused_with_the_one_error_shape(client, since):
    response = client.get(FEED, {"since": since})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"message", "code", "errors"}
    assert body["errors"][0]["field"] == "since"
    assert "ISO 8601" in body["message"]


@pytest.mark.django_db
def test_since_takes_offsets_and_dates(client, published):
    assert feed(client, since="2000-01-01")["count"] == 1
    assert feed(client, since="2000-01-01T07:00:00+07:00")["count"] == 1
    # An unencoded "+" arrives as a space.
    assert client.get(FEED + "?since=2000-01-01T07:00:00+07:00").json()["count"] == 1
    assert feed(client, since="2999-01-01T00:00:00Z")["count"] == 0


@pytest.mark.django_db
def test_the_feed_needs_no_login_even_with_a_bad_token(client, published):
    response = client.get(FEED, HTTP_AUTHORIZATION="Bearer salah")
    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.django_db
def test_anonymous_api_calls_show_nothing_private(client, people, published, unpublished):
    texts = [
        client.get(path).content.decode()
        for path in (
            FEED,
            "/api/v1/innovations",
            f"/api/v1/innovations/{published.pk}",
            "/api/v1/library?limit=100",
            "/api/v1/library/search?q=akta",
        )
    ]
    assert all(PRIVATE_NAME not in t for t in texts)
    for text in texts:
        assert_nothing_private(text, people)


PRIVATE_NAME = "Inovasi Belum Terbit Rahasia"


@pytest.mark.django_db
def test_the_openapi_describes_the_feed_with_an_example_and_no_duplicate_keys(client):
    def no_duplicates(pairs):
        keys = [k for k, _v in pairs]
        assert len(keys) == len(set(keys)), keys
        return dict(pairs)

    spec = json.loads(client.get("/api/v1/openapi.json").content, object_pairs_hook=no_duplicates)
    responses = spec["paths"]["/api/v1/open/innovations"]["get"]["responses"]
    assert "304" in responses
    assert responses["200"]["content"]["application/json"]["example"]["items"][0]["source_id"]
