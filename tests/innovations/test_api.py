"""The innovations API: list contract, anonymous visibility, filters, isolation, detail."""

import pytest

from labinov.core.system import SystemActor
from labinov.innovations import actions
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from tests.factories import UnitFactory
from tests.innovations.conftest import take_through


@pytest.fixture
def published(innovation, people):
    return take_through(innovation, "design", "deliver", "display", decider=people["coach"])


@pytest.fixture
def second(idea, region, programme):
    """An unpublished innovation of another unit of the same programme."""
    unit = UnitFactory(region=region, name="Kecamatan Uji")
    enrolment = lab_actions.enrol_units(
        acting_user=SystemActor("uji"), programme=programme, units=[unit]
    )[0]
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    innovation = actions.create_innovation(acting_user=SystemActor("uji"), idea=idea, name="Kedua")
    type(innovation).objects.filter(pk=innovation.pk).update(enrolment=enrolment)
    innovation.refresh_from_db()
    return innovation


@pytest.mark.django_db
def test_anonymous_callers_see_only_published_innovations(client, published, second):
    body = client.get("/api/v1/innovations").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item == {
        "id": published.pk,
        "name": "Akta Lahir dari Puskesmas",
        "unit": "Dinas Kesehatan Uji",
        "unit_id": published.enrolment.unit_id,
        "region": "99.01",
        "programme": published.enrolment.programme_id,
        "stage": "documentation",
        "tahapan": "uji_coba",
        "published": True,
    }
    assert client.get(f"/api/v1/innovations/{second.pk}").status_code == 404


@pytest.mark.django_db
def test_the_regions_people_see_all_and_filter(client_for, people, published, second):
    client = client_for(people["leader"])
    assert client.get("/api/v1/innovations").json()["count"] == 2
    assert client.get("/api/v1/innovations?stage=design").json()["items"][0]["name"] == "Kedua"
    assert client.get(f"/api/v1/innovations?unit={second.enrolment.unit_id}").json()["count"] == 1
    assert client.get("/api/v1/innovations?region=99.02").json()["count"] == 0
    assert (
        client.get(f"/api/v1/innovations?programme={published.enrolment.programme_id}").json()[
            "count"
        ]
        == 2
    )
    page = client.get("/api/v1/innovations?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["items"]) == 1


@pytest.mark.django_db
def test_an_outsider_sees_only_what_is_published(client_for, outsider, published, second):
    body = client_for(outsider).get("/api/v1/innovations").json()
    assert [i["id"] for i in body["items"]] == [published.pk]


@pytest.mark.django_db
def test_detail_shows_the_working_record_only_to_the_region(client, client_for, people, published):
    public = client.get(f"/api/v1/innovations/{published.pk}").json()
    assert public["public_summary"].startswith("Orang tua kini")
    assert public["aims"] is None
    # The service before and after is public with the innovation, as on its public profile.
    assert public["measures"] == [
        {"measure": "days", "baseline": 14.0, "target": 1.0, "actual": 1.0}
    ]
    inside = client_for(people["coach"]).get(f"/api/v1/innovations/{published.pk}").json()
    assert inside["measures"] == [
        {"measure": "days", "baseline": 14.0, "target": 1.0, "actual": 1.0}
    ]
    assert inside["design_words"] >= 300


@pytest.mark.django_db
def test_an_unknown_innovation_answers_the_one_error_shape(client):
    body = client.get("/api/v1/innovations/999999").json()
    assert set(body) == {"message", "code", "errors"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["stage=drum_up", "unit=0", "programme=99999999999999999999", "limit=0"]
)
def test_bad_filters_answer_the_one_error_shape(client, query):
    response = client.get(f"/api/v1/innovations?{query}")
    assert response.status_code == 422
    assert set(response.json()) == {"message", "code", "errors"}
