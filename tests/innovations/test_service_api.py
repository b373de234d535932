"""Service measures and improvements through the API and the pages: who may set them, what
bad input answers, and the figures against examples computed by hand."""

import pytest
from django.test import Client

from labinov.accounts.actions import create_api_token
from labinov.core.models import AuditEvent
from labinov.innovations.models import Innovation, ServiceMeasure


def _api(user) -> Client:
    if user is None:
        return Client()
    _token, raw = create_api_token(acting_user=user, name="uji")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def _put(client, innovation, path, body):
    return client.put(
        f"/api/v1/innovations/{innovation.pk}/{path}", body, content_type="application/json"
    )


def _state(innovation):
    """Everything a refused write must leave as it was."""
    return (
        list(ServiceMeasure.objects.filter(innovation=innovation).values_list()),
        Innovation.objects.filter(pk=innovation.pk)
        .values_list("transactions_per_year", "hours_per_visit")
        .get(),
        AuditEvent.objects.count(),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["unit_head", "team_member", "coordinator"])
def test_the_unit_and_the_coordinator_set_measures(people, innovation, role):
    client = _api(people[role])
    response = _put(client, innovation, "measures/days", {"target": 2, "actual": 7})
    assert response.status_code == 200, response.content
    body = response.json()
    # The baseline comes from diagnose (14 days): (14 - 7) / 14 = 50 % faster.
    assert body["baseline"] == 14 and body["actual"] == 7
    assert body["improvement"]["text"] == "+50 %"
    assert body["text"] == {"baseline": "14 hari", "target": "2 hari", "actual": "7 hari"}
    event = AuditEvent.objects.filter(action="innovations.measure.set").latest("id")
    assert event.details["measure"] == "days" and event.details["actual"] == "7.0"
    response = _put(
        client, innovation, "service-volume", {"transactions_per_year": 1200, "hours_per_visit": 3}
    )
    assert response.status_code == 200, response.content
    assert AuditEvent.objects.filter(action="innovations.volume.set").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "coach", "assessor"])
def test_readers_of_the_region_may_not_set_measures(people, innovation, role):
    client = _api(people[role])
    before = _state(innovation)
    response = _put(client, innovation, "measures/days", {"target": 2})
    assert response.status_code == 403
    assert "tim inovasi" in response.json()["message"]
    assert (
        _put(client, innovation, "service-volume", {"transactions_per_year": 5}).status_code == 403
    )
    assert _state(innovation) == before


@pytest.mark.django_db
def test_outsiders_and_anonymous_callers_may_not_set_measures(outsider, innovation):
    outside, anonymous = _api(outsider), _api(None)
    before = _state(innovation)
    assert _put(outside, innovation, "measures/days", {"target": 2}).status_code == 404
    assert _put(anonymous, innovation, "measures/days", {"target": 2}).status_code == 401
    assert _state(innovation) == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "body", "status", "message"),
    [
        ("measures/satisfaction", {"target": 120}, 400, "Kepuasan bernilai 0 sampai 100."),
        ("measures/days", {"target": 2, "actual": 2.25}, 400, "paling banyak satu angka desimal"),
        ("measures/steps", {"target": 2.5}, 400, "bilangan bulat"),
        ("measures/cost", {"target": 1e15}, 400, "terlalu besar"),
        ("measures/days", {"target": -1}, 422, "target"),
        ("measures/days", {"actual": 3}, 422, "target"),
        ("measures/speed", {"target": 1}, 422, "measure"),
        ("service-volume", {"transactions_per_year": -3}, 422, "transactions_per_year"),
        ("service-volume", {"hours_per_visit": 200}, 422, "hours_per_visit"),
    ],
)
def test_bad_input_gets_a_clear_message_and_nothing_changes(
    people, innovation, path, body, status, message
):
    client = _api(people["unit_head"])
    assert _put(client, innovation, "measures/days", {"target": 2}).status_code == 200
    before = _state(innovation)
    response = _put(client, innovation, path, body)
    assert response.status_code == status, response.content
    error = response.json()
    assert error["code"] in ("invalid", "refused")
    assert message in error["message"] + str(error["errors"])
    assert _state(innovation) == before


@pytest.mark.django_db
def test_the_page_refuses_bad_input_with_a_message_on_the_form(client_for, people, innovation):
    before = _state(innovation)
    page = client_for(people["unit_head"]).post(
        f"/inovasi/{innovation.pk}/ukuran-layanan/",
        {"measure": "satisfaction", "target": "120"},
    )
    assert page.status_code == 400
    assert "Kepuasan bernilai 0 sampai 100." in page.content.decode()
    assert _state(innovation) == before


@pytest.mark.django_db
def test_the_figures_through_http_match_hand_computed_examples(client, people, innovation):
    """Baseline from diagnose: 14 days, Rp 50.000, 6 steps, 5 requirements."""
    api = _api(people["unit_head"])
    for path, body in (
        ("measures/days", {"target": 2, "actual": 7}),
        ("measures/cost", {"target": 0, "actual": 10000}),
        ("measures/steps", {"target": 3, "actual": 3}),
        ("measures/requirements", {"target": 4, "actual": 4}),
        ("measures/visits", {"baseline": 3, "target": 1, "actual": 1}),
        ("measures/satisfaction", {"baseline": 60, "target": 85, "actual": 82}),
        ("measures/people_served", {"baseline": 0, "target": 2000, "actual": 1500}),
        ("service-volume", {"transactions_per_year": 1200, "hours_per_visit": 2.5}),
    ):
        assert _put(api, innovation, path, body).status_code == 200, path
    body = api.get(f"/api/v1/innovations/{innovation.pk}/improvement").json()
    assert body["faster"]["text"] == "+50 %"  # (14 - 7) / 14
    assert body["cheaper"]["text"] == "+80 %"  # (50.000 - 10.000) / 50.000
    assert body["easier"]["percent"] == 42.9  # (14 - 8) / 14: steps + requirements + visits
    assert body["rupiah_saved_per_year"]["value"] == 48_000_000  # 40.000 x 1.200
    assert body["rupiah_saved_per_year"]["text"] == "Rp 48.000.000"
    assert body["citizen_hours_saved_per_year"]["value"] == 6000  # 2 x 2,5 x 1.200
    by_measure = {m["measure"]: m for m in body["measures"]}
    assert by_measure["satisfaction"]["improvement"]["text"] == "+37 %"  # 22 / 60
    served = by_measure["people_served"]["improvement"]
    assert (served["percent"], served["state"], served["text"]) == (
        None,
        "new_from_zero",
        "baru (dari 0)",
    )
    listed = api.get(f"/api/v1/innovations/{innovation.pk}/measures?limit=3").json()
    assert listed["count"] == 7 and len(listed["items"]) == 3

    page = client_for_page(people["unit_head"]).get(f"/inovasi/{innovation.pk}/").content.decode()
    for text in ("Rp 48.000.000", "+50 %", "baru (dari 0)", "14 hari", "6.000 jam"):
        assert text in page, text
    assert "(Rp 50.000 − Rp 10.000) × 1.200 transaksi setahun = Rp 48.000.000" in page  # noqa: RUF001
    assert "None" not in page


def client_for_page(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db
def test_a_missing_actual_is_said_not_computed(people, innovation):
    api = _api(people["unit_head"])
    _put(api, innovation, "measures/days", {"target": 2})
    body = api.get(f"/api/v1/innovations/{innovation.pk}/improvement").json()
    assert body["faster"] == {
        "percent": None,
        "state": "no_actual",
        "text": "—",
        "explanation": "belum ada capaian yang diukur",
    }
    assert body["rupiah_saved_per_year"]["value"] is None
    assert body["rupiah_saved_per_year"]["missing"] == "perlu biaya bagi warga sebelum dan sesudah"


@pytest.mark.django_db
def test_an_actual_short_of_its_target_is_not_marked_as_met(people, innovation):
    """Issue 11, defect 8: "2,0 ✓" against a target of 1 day read as "target met". The row
    shows the days as days and the change from the baseline, and claims no target met."""
    assert (
        _put(_api(people["unit_head"]), innovation, "measures/days", {"target": 1, "actual": 2})
    ).status_code == 200
    page = client_for_page(people["unit_head"]).get(f"/inovasi/{innovation.pk}/").content.decode()
    row = page.split('data-measure="days"')[1].split("</tr>")[0]
    assert "2 hari" in row and "1 hari" in row and "14 hari" in row
    assert "+86 %" in row  # (14 - 2) / 14, from the baseline measured in diagnose
    assert "✓" not in row and "2,0" not in row
