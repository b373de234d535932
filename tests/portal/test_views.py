"""The public portal through HTTP: the front, the gallery, statistics and expo results
show only what is published; citizens' proposals are filed with no account, spam and
floods are refused, and the region's coordinator moderates them."""

import re

import pytest
from django.core.cache import cache

from labinov.accounts.models import Throttle
from labinov.core.models import AuditEvent
from labinov.lab.models import Idea, Problem
from labinov.portal.models import Proposal
from tests.factories import RegionFactory
from tests.portal.conftest import FORM, PRIVATE, PROPOSER, assert_nothing_private
from tests.roles import ROLES

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _form(region, **extra):
    return {"region": region.pk, **FORM, **PROPOSER, **extra}


# -- public pages ---------------------------------------------------------------------------


def test_one_region_front_shows_published_innovations_figures_search_and_expos(
    client, region, published, unpublished, people
):
    html = _text(client.get("/"))
    assert published.name in html
    assert PRIVATE["unpublished"] not in html
    assert 'id="figures"' in html and 'action="/pustaka/"' in html
    assert f'href="/publik/{region.code}/galeri/"' in html
    assert 'id="expo-results"' in html and 'id="by-unit"' in html
    assert_nothing_private(html, people)


def test_several_regions_show_each_regions_gallery(client, region, other_region, published):
    html = _text(client.get("/"))
    assert f"/publik/{region.code}/galeri/" in html and f"/publik/{other_region.code}/" in html
    assert "1 inovasi terbit" in html and published.name not in html


def test_a_logged_in_person_keeps_the_role_home(client_for, people, published):
    html = _text(client_for(people["coordinator"]).get("/"))
    assert 'id="figures"' not in html


def test_the_gallery_searches_and_filters_published_innovations_only(
    client, region, published, unpublished, people
):
    base = f"/publik/{region.code}/galeri/"
    html = _text(client.get(base))
    assert published.name in html and PRIVATE["unpublished"] not in html
    assert "1 inovasi" in html
    assert_nothing_private(html, people)
    # Search and filters narrow it; a value that cannot be used says so.
    assert published.name in _text(client.get(base, {"q": "akta"}))
    assert "0 inovasi" in _text(client.get(base, {"q": "tidak-ada-kata-ini"}))
    # A search for the unpublished innovation's name finds nothing.
    assert "0 inovasi" in _text(client.get(base, {"q": "Belum Terbit Rahasia"}))
    year = published.enrolment.programme.year
    assert published.name in _text(client.get(base, {"tahun": year}))
    assert "0 inovasi" in _text(client.get(base, {"tahun": year + 1}))
    assert published.name in _text(client.get(base, {"unit": published.enrolment.unit_id}))
    html = _text(client.get(base, {"tahun": "dua-ribu"}))
    assert 'id="filter-errors"' in html and "Tahun:" in html
    assert client.get("/publik/00.00/galeri/").status_code == 404


def test_the_gallery_and_the_profile_carry_opengraph_tags(client, region, published):
    html = _text(client.get(f"/publik/{region.code}/galeri/"))
    assert '<meta property="og:title" content="Galeri' in html
    image = f'<meta property="og:image" content="http://testserver/inovasi/{published.pk}/foto/'
    assert image in html
    assert '<meta property="og:url" content="http://testserver/publik/' in html
    profile = _text(client.get(published.get_absolute_url()))
    assert f'<meta property="og:title" content="{published.name}">' in profile
    assert '<meta property="og:type" content="article">' in profile
    photo = published.photos.first()
    assert (
        f'<meta property="og:image" content="http://testserver/inovasi/{published.pk}/foto/'
        f'{photo.pk}/">' in profile
    )
    assert '<meta property="og:description" content="Orang tua kini' in profile


def test_statistics_draws_svg_charts_of_published_innovations(
    client, region, published, unpublished, people
):
    html = _text(client.get(f"/publik/{region.code}/statistik/"))
    for key in ("stage", "sector", "year", "service"):
        assert f'id="chart-{key}"' in html
    assert html.count("<svg") >= 3 and "<script" not in html.split("</header>")[1]
    assert PRIVATE["unpublished"] not in html
    assert_nothing_private(html, people)


def test_expo_results_show_the_published_best_only(client, region, published, people):
    from labinov.innovations import actions as innovation_actions
    from tests.innovations.test_expo import FULL

    expo = innovation_actions.create_expo(
        acting_user=people["coordinator"],
        programme=published.enrolment.programme,
        title="Expo Inovasi Uji",
        jurors=[people["assessor"]],
    )
    assert "Expo Inovasi Uji" not in _text(client.get(f"/publik/{region.code}/expo/"))
    innovation_actions.score_innovation(
        acting_user=people["assessor"], expo=expo, innovation=published, scores=FULL
    )
    innovation_actions.choose_best(
        acting_user=people["coordinator"], expo=expo, innovation=published
    )
    html = _text(client.get(f"/publik/{region.code}/expo/"))
    assert "Expo Inovasi Uji" in html and published.name in html and "100" in html
    assert people["assessor"].get_username() not in html
    assert "Expo Inovasi Uji" in _text(client.get("/"))


# -- filing a proposal ------------------------------------------------------------------


def test_a_citizen_files_a_proposal_and_follows_it_by_a_private_link(client, region):
    response = client.post("/publik/usulan/", _form(region))
    assert response.status_code == 200
    proposal = Proposal.objects.get()
    assert len(proposal.token) >= 40
    html = _text(response)
    assert proposal.get_status_url() in html
    status = client.get(proposal.get_status_url())
    assert status.status_code == 200 and "Antrean puskesmas" in _text(status)
    assert status["Referrer-Policy"] == "no-referrer"
    # The proposer's personal data is not on the status page either (a link can be shared).
    assert PROPOSER["contact"] not in _text(status) and PROPOSER["name"] not in _text(status)
    assert client.get("/publik/usulan/status/tebakan-token/").status_code == 404
    event = AuditEvent.objects.get(action="portal.proposal.filed")
    assert PROPOSER["contact"] not in str(event.details)


def test_name_and_contact_are_optional(client, region):
    response = client.post("/publik/usulan/", _form(region, name="", contact=""))
    assert response.status_code == 200 and Proposal.objects.count() == 1


@pytest.mark.parametrize("missing", ["service", "problem", "idea"])
def test_a_proposal_missing_a_text_is_refused_with_a_message(client, region, missing):
    response = client.post("/publik/usulan/", _form(region, **{missing: "  "}))
    assert response.status_code == 400
    assert 'class="error"' in _text(response)
    assert not Proposal.objects.exists()


def test_a_filled_honeypot_is_refused_quietly_and_nothing_is_saved(client, region):
    response = client.post("/publik/usulan/", _form(region, website="http://spam.example"))
    assert response.status_code == 400
    html = _text(response)
    assert "tidak dapat diterima" in html and "website" not in html.split("<main")[1]
    assert not Proposal.objects.exists()
    assert not AuditEvent.objects.filter(action="portal.proposal.filed").exists()


def test_flooding_from_one_address_is_refused_with_429(client, region, settings):
    settings.PROPOSALS_PER_ADDRESS = 3
    for _n in range(3):
        assert client.post("/publik/usulan/", _form(region)).status_code == 200
    response = client.post("/publik/usulan/", _form(region))
    assert response.status_code == 429
    assert "Terlalu banyak usulan" in _text(response) and int(response["Retry-After"]) > 0
    assert Proposal.objects.count() == 3
    # Another address is not held back.
    other = client.post("/publik/usulan/", _form(region), REMOTE_ADDR="10.9.8.7")
    assert other.status_code == 200 and Proposal.objects.count() == 4
    assert Throttle.objects.filter(scope="proposal-address").count() == 2
    cache.clear()


# -- moderation -------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_who_may_moderate(client_for, people, proposal, role):
    client = client_for(people[role])
    allowed = role in ("platform_admin", "coordinator")
    listing = _text(client.get("/publik/moderasi/"))
    assert (PROPOSER["contact"] in _text(client.get(f"/publik/moderasi/{proposal.pk}/"))) == allowed
    assert ("Antrean puskesmas" in listing) == allowed
    response = client.post(
        f"/publik/moderasi/{proposal.pk}/keputusan/", {"decision": "reject", "reason": "Sudah ada."}
    )
    proposal.refresh_from_db()
    if allowed:
        assert response.status_code == 302 and proposal.status == "rejected"
    else:
        assert response.status_code == 404 and proposal.status == "received"


def test_a_coordinator_of_another_region_may_not_moderate(client_for, outsider, proposal):
    client = client_for(outsider)
    assert client.get(f"/publik/moderasi/{proposal.pk}/").status_code == 404
    response = client.post(f"/publik/moderasi/{proposal.pk}/keputusan/", {"decision": "spam"})
    assert response.status_code == 404
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_anonymous_moderation_goes_to_the_login(client, proposal):
    assert client.get("/publik/moderasi/").status_code == 302
    response = client.post(f"/publik/moderasi/{proposal.pk}/keputusan/", {"decision": "spam"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_a_rejection_needs_a_reason_and_the_proposer_reads_it(client, client_for, people, proposal):
    coordinator = client_for(people["coordinator"])
    url = f"/publik/moderasi/{proposal.pk}/keputusan/"
    response = coordinator.post(url, {"decision": "reject", "reason": ""})
    assert response.status_code == 400 and "proposer" not in _text(response)
    assert "Katakan mengapa" in _text(response)
    proposal.refresh_from_db()
    assert proposal.status == "received"
    assert coordinator.post(url, {"decision": "bogus"}).status_code == 400
    coordinator.post(url, {"decision": "reject", "reason": "Sudah dikerjakan Dinas Kesehatan."})
    html = _text(client.get(proposal.get_status_url()))
    assert "Tidak ditindaklanjuti" in html and "Sudah dikerjakan Dinas Kesehatan." in html


def test_marking_spam(client_for, people, proposal):
    client_for(people["coordinator"]).post(
        f"/publik/moderasi/{proposal.pk}/keputusan/", {"decision": "spam"}
    )
    proposal.refresh_from_db()
    assert proposal.status == "spam"
    assert AuditEvent.objects.filter(action="portal.proposal.decided").count() == 1


def test_the_coordinator_turns_a_proposal_into_an_idea_of_a_unit(
    client, client_for, people, proposal, diagnosing
):
    coordinator = client_for(people["coordinator"])
    page = _text(coordinator.get(f"/publik/moderasi/{proposal.pk}/"))
    assert f'<option value="{diagnosing.pk}"' in page
    response = coordinator.post(
        f"/publik/moderasi/{proposal.pk}/gagasan/",
        {"enrolment": diagnosing.pk, "title": "Antrean lewat SMS"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    idea = Idea.objects.get(title="Antrean lewat SMS")
    assert proposal.status == "idea" and proposal.lab_idea == idea
    assert idea.problem.enrolment == diagnosing and idea.problem.service == "Antrean puskesmas"
    assert idea.description == FORM["idea"]
    assert AuditEvent.objects.filter(action="lab.idea.added").exists()
    html = _text(client.get(proposal.get_status_url()))
    assert "Antrean lewat SMS" in html and diagnosing.unit.name in html
    # Twice is refused, and changes nothing.
    again = coordinator.post(
        f"/publik/moderasi/{proposal.pk}/gagasan/",
        {"enrolment": diagnosing.pk, "title": "Lagi"},
    )
    assert again.status_code == 400 and Idea.objects.filter(title="Lagi").count() == 0


def test_a_unit_past_diagnose_cannot_take_the_idea(client_for, people, proposal, diagnosing):
    from labinov.lab.models import Enrolment

    Enrolment.objects.filter(pk=diagnosing.pk).update(stage="design")
    response = client_for(people["coordinator"]).post(
        f"/publik/moderasi/{proposal.pk}/gagasan/",
        {"enrolment": diagnosing.pk, "title": "Antrean lewat SMS"},
    )
    assert response.status_code == 400
    assert not Problem.objects.filter(service="Antrean puskesmas").exists()
    proposal.refresh_from_db()
    assert proposal.status == "received"


def test_the_team_cannot_pass_proposals_to_itself(client_for, people, proposal, diagnosing):
    response = client_for(people["unit_head"]).post(
        f"/publik/moderasi/{proposal.pk}/gagasan/",
        {"enrolment": diagnosing.pk, "title": "Antrean lewat SMS"},
    )
    assert response.status_code == 404 and not Idea.objects.exists()


def test_a_unit_of_another_region_cannot_take_the_idea(client_for, people, proposal, diagnosing):
    other = RegionFactory(code="99.07")
    elsewhere = Proposal.objects.create(region=other, service="x", problem="y", idea="z")
    response = client_for(people["coordinator"]).post(
        f"/publik/moderasi/{elsewhere.pk}/gagasan/",
        {"enrolment": diagnosing.pk, "title": "t"},
    )
    assert response.status_code == 404 and not Idea.objects.exists()


def test_personal_data_never_reaches_public_pages(client, region, published, proposal, people):
    pages = [
        "/",
        f"/publik/{region.code}/",
        f"/publik/{region.code}/galeri/",
        f"/publik/{region.code}/statistik/",
        f"/publik/{region.code}/expo/",
        published.get_absolute_url(),
        "/data-terbuka/atom.xml",
        "/sitemap.xml",
        f"/api/v1/portal/gallery?region={region.code}",
        "/api/v1/open/innovations",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = _text(response)
        assert_nothing_private(text, people)
        assert PROPOSER["contact"] not in text and PROPOSER["name"] not in text, url
        assert not re.search(r"[\w.+-]+@[\w-]+\.[\w.]+", text.replace("@type", "")), url


def test_the_sitemap_lists_each_regions_public_pages(client, region):
    xml = _text(client.get("/sitemap.xml"))
    for path in ("", "galeri/", "statistik/", "expo/"):
        assert f"/publik/{region.code}/{path}</loc>" in xml
    assert "/publik/usulan/</loc>" in xml


def test_the_menu_leads_moderators_to_the_proposals(client_for, people):
    for role, shown in (("coordinator", True), ("platform_admin", True), ("leader", False)):
        html = _text(client_for(people[role]).get("/wilayah/"))
        assert ('href="/publik/moderasi/"' in html) == shown, role
