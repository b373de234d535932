"""The expo: who sets it up, the jury scores on the scorecard (data), ranking, the best."""

from decimal import Decimal

import pytest

from labinov.core.errors import ActionError, NotAllowed
from labinov.core.models import AuditEvent
from labinov.innovations import actions
from labinov.innovations.scorecard import scorecard, total
from labinov.innovations.selectors import expo_ranking
from tests.innovations.conftest import take_through
from tests.roles import ROLES

FULL = {
    "novelty": 10,
    "benefit": 10,
    "authority_collaboration": 10,
    "replicability": 10,
    "mastery": 10,
}


def test_the_default_scorecard_carries_the_award_weights():
    card = scorecard()
    assert {c["key"]: c["weight"] for c in card["criteria"]} == {
        "novelty": 30,
        "benefit": 25,
        "authority_collaboration": 15,
        "replicability": 20,
        "mastery": 10,
    }
    assert total(card, FULL) == Decimal("100.00")
    assert total(card, {**FULL, "novelty": 5}) == Decimal("85.00")


@pytest.fixture
def shown(innovation, people):
    return take_through(innovation, "design", "deliver", "display", decider=people["coach"])


@pytest.fixture
def expo(programme, people):
    return actions.create_expo(
        acting_user=people["coordinator"],
        programme=programme,
        title="Expo Inovasi Uji",
        jurors=[people["assessor"], people["leader"]],
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_who_may_set_up_an_expo(people, programme, role):
    allowed = role in {"platform_admin", "coordinator"}
    try:
        actions.create_expo(acting_user=people[role], programme=programme, title="Expo")
        done = True
    except NotAllowed:
        done = False
    assert done == allowed
    assert programme.expos.exists() == allowed


@pytest.mark.django_db
def test_only_the_jury_scores_and_the_ranking_averages_them(people, expo, shown):
    with pytest.raises(NotAllowed):
        actions.score_innovation(
            acting_user=people["coach"], expo=expo, innovation=shown, scores=FULL
        )
    actions.score_innovation(
        acting_user=people["assessor"], expo=expo, innovation=shown, scores=FULL
    )
    actions.score_innovation(
        acting_user=people["leader"], expo=expo, innovation=shown, scores={**FULL, "novelty": 0}
    )
    ranking = expo_ranking(expo)
    assert [(r["rank"], r["innovation"], r["jurors"], r["average"]) for r in ranking] == [
        (1, shown, 2, Decimal("85.00"))
    ]
    assert AuditEvent.objects.filter(action="innovations.expo.scored").count() == 2


@pytest.mark.django_db
def test_a_score_out_of_the_scale_is_refused(people, expo, shown):
    with pytest.raises(ActionError) as exc:
        actions.score_innovation(
            acting_user=people["assessor"],
            expo=expo,
            innovation=shown,
            scores={**FULL, "benefit": 11},
        )
    assert exc.value.field == "benefit"
    assert not expo.scores.exists()


@pytest.mark.django_db
def test_an_innovation_before_display_is_not_in_the_expo(people, expo, innovation):
    with pytest.raises(ActionError):
        actions.score_innovation(
            acting_user=people["assessor"], expo=expo, innovation=innovation, scores=FULL
        )


@pytest.mark.django_db
def test_the_coordinator_chooses_the_best_on_the_expo_page(client_for, people, expo, shown):
    form = {f"i{shown.pk}-{k}": v for k, v in FULL.items()}
    for juror in ("assessor", "leader"):
        response = client_for(people[juror]).post(
            f"/inovasi/expo/{expo.pk}/nilai/{shown.pk}/", form
        )
        assert response.status_code == 302
    page = client_for(people["coordinator"]).get(f"/inovasi/expo/{expo.pk}/").content.decode()
    assert "Peringkat" in page and "100,00" in page
    response = client_for(people["coordinator"]).post(
        f"/inovasi/expo/{expo.pk}/terbaik/", {"innovation": shown.pk}
    )
    assert response.status_code == 302
    expo.refresh_from_db()
    assert expo.best == shown
    response = client_for(people["assessor"]).post(
        f"/inovasi/expo/{expo.pk}/terbaik/", {"innovation": shown.pk}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_an_outsider_does_not_see_the_expo(client_for, outsider, expo):
    assert client_for(outsider).get(f"/inovasi/expo/{expo.pk}/").status_code == 403


@pytest.mark.django_db
def test_the_coordinator_sets_up_an_expo_through_the_form(client_for, people, programme):
    client = client_for(people["coordinator"])
    url = f"/inovasi/expo/baru/?program={programme.pk}"
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "Purbalingga Expo Uji",
            "held_on": "2022-12-15",
            "jurors": [people["assessor"].pk],
        },
    )
    assert response.status_code == 302
    expo = programme.expos.get()
    assert expo.scorecard_version == "v1"
    assert list(expo.jurors.all()) == [people["assessor"]]
    dashboard = client.get(f"/inovasi/dasbor/?wilayah={programme.region.code}").content.decode()
    assert "Purbalingga Expo Uji" in dashboard
    assert client_for(people["coach"]).get(url).status_code == 403


@pytest.mark.django_db
def test_the_best_waits_for_every_jurors_score(client_for, people, expo, shown):
    actions.score_innovation(
        acting_user=people["assessor"], expo=expo, innovation=shown, scores=FULL
    )
    coordinator = client_for(people["coordinator"])
    page = coordinator.get(f"/inovasi/expo/{expo.pk}/").content.decode()
    assert "Belum semua juri menilai semua inovasi" in page
    leader = people["leader"]
    assert f"{leader.get_full_name() or leader.get_username()}: {shown.name}" in page
    assert "Pilih sebagai terbaik" not in page
    response = coordinator.post(f"/inovasi/expo/{expo.pk}/terbaik/", {"innovation": shown.pk})
    assert response.status_code == 400
    assert "Belum semua juri menilai semua inovasi" in response.content.decode()
    expo.refresh_from_db()
    assert expo.best is None
    assert not AuditEvent.objects.filter(action="innovations.expo.best_chosen").exists()


@pytest.mark.django_db
def test_the_best_is_not_chosen_before_the_expo_is_held(people, expo, shown):
    import datetime

    from django.utils import timezone

    for juror in ("assessor", "leader"):
        actions.score_innovation(
            acting_user=people[juror], expo=expo, innovation=shown, scores=FULL
        )
    expo.held_on = timezone.localdate() + datetime.timedelta(days=3)
    expo.save()
    with pytest.raises(ActionError, match="pilih inovasi terbaik setelahnya"):
        actions.choose_best(acting_user=people["coordinator"], expo=expo, innovation=shown)
    expo.refresh_from_db()
    assert expo.best is None


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["unit_head", "team_member"])
def test_a_competing_units_people_are_not_jurors(client_for, people, programme, enrolment, role):
    client = client_for(people["coordinator"])
    response = client.post(
        f"/inovasi/expo/baru/?program={programme.pk}",
        {"title": "Expo Uji", "jurors": [people["assessor"].pk, people[role].pk]},
    )
    assert response.status_code == 200
    assert "tidak boleh menilai inovasi unitnya sendiri" in response.content.decode()
    assert not programme.expos.exists()


@pytest.mark.django_db
def test_the_scale_is_shown_to_the_jury(client_for, people, expo, shown):
    page = client_for(people["assessor"]).get(f"/inovasi/expo/{expo.pk}/").content.decode()
    assert "setiap kriteria dinilai 0 sampai 10" in page
    assert "Bilangan bulat dari 0 sampai 10." in page
