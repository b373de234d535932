"""The public portal in a real browser: a citizen files a proposal with no account, the
demo coordinator moderates it and passes it to a unit as an idea, and the citizen's
private link shows it; flooding the form is refused; the gallery's first view is light
(under 50 KB transferred, nothing from another host) and no portal page scrolls sideways
on a 360 px phone."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from labinov.demo.loader import DEMO_PASSWORD
from labinov.lab.models import Idea
from labinov.portal.models import Proposal

pytestmark = pytest.mark.browser

SHOTS = Path("test-results")
#: The gallery's first view must stay under this many bytes transferred (issue 12).
BUDGET = 50 * 1024
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


def _file_a_proposal(page, *, service="Antrean puskesmas"):
    page.locator("#id_service").fill(service)
    page.locator("#id_problem").fill("Warga antre tiga jam sebelum diperiksa dokter.")
    page.locator("#id_idea").fill("Nomor antrean dikirim lewat SMS sehari sebelumnya.")
    page.locator("#id_name").fill("Warga Purbalingga")
    page.locator("#proposal-form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_citizen_proposal_is_moderated_into_an_idea(page, new_page, login, demo):
    page.goto("/")
    page.get_by_role("link", name="Usulkan inovasi").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Usulkan inovasi")
    _file_a_proposal(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("usulan Anda diterima")
    status_url = page.locator("#status-link").get_attribute("href")
    assert status_url.startswith("/publik/usulan/status/") and len(status_url) > 60

    coordinator = new_page()
    login(coordinator, "demo-koordinator", DEMO_PASSWORD)
    coordinator.goto("/")
    coordinator.get_by_role("link", name="Usulan warga").click()
    coordinator.get_by_role("link", name="Antrean puskesmas").click()
    expect(coordinator.locator(".facts")).to_contain_text("Warga Purbalingga")
    # The units offered are those of the current programme still finding ideas (whichever
    # the demo holds): choose the first.
    unit = coordinator.locator("#id_enrolment option").first.inner_text().strip()
    coordinator.locator("#id_enrolment").select_option(index=0)
    coordinator.locator("#id_title").fill("Antrean puskesmas lewat SMS")
    coordinator.locator("#idea-form button[type=submit]").click()
    expect(coordinator.locator(".messages")).to_contain_text(unit)
    idea = Idea.objects.get(title="Antrean puskesmas lewat SMS")
    assert idea.problem.enrolment.unit.name == unit
    assert Proposal.objects.get().lab_idea == idea

    page.goto(status_url)
    expect(page.locator("#proposal-status")).to_have_text("Diteruskan ke unit sebagai gagasan")
    expect(page.locator("#proposal-idea")).to_contain_text("Antrean puskesmas lewat SMS")
    expect(page.locator("main")).not_to_contain_text("Warga Purbalingga")


def test_flooding_the_form_is_refused(page, demo, settings):
    settings.PROPOSALS_PER_ADDRESS = 2
    for n in range(2):
        page.goto("/publik/usulan/")
        _file_a_proposal(page, service=f"Layanan {n}")
        expect(page.locator("#status-link")).to_be_visible()
    page.goto("/publik/usulan/")
    _file_a_proposal(page, service="Layanan banjir")
    expect(page.locator(".error-summary")).to_contain_text("Terlalu banyak usulan")
    assert Proposal.objects.count() == 2


def test_the_gallerys_first_view_is_light_and_stays_on_this_host(new_page, demo, live_server):
    page = new_page()
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    transferred, hosts, urls = [], set(), []
    cdp.on("Network.loadingFinished", lambda e: transferred.append(e["encodedDataLength"]))
    page.on("request", lambda r: (hosts.add(urlsplit(r.url).netloc), urls.append(r.url)))
    page.goto(f"/publik/{demo.code}/galeri/")
    page.wait_for_load_state("networkidle")
    expect(page.locator(".gallery li").first).to_be_visible()
    total = sum(transferred)
    print(f"gallery first view: {total} bytes transferred in {len(urls)} requests: {urls}")
    assert hosts == {urlsplit(live_server.url).netloc}, hosts
    assert 0 < total < BUDGET, f"{total} bytes"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/publik/{code}/galeri/",
        "/publik/{code}/statistik/",
        "/publik/{code}/expo/",
        "/publik/usulan/",
    ],
)
def test_portal_pages_fit_a_phone(new_page, demo, path):
    phone = new_page(**PHONE)
    phone.goto(path.format(code=demo.code))
    width, client = phone.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    SHOTS.mkdir(exist_ok=True)
    name = path.format(code="x").strip("/").replace("/", "-") or "depan"
    phone.screenshot(path=SHOTS / f"portal-{name}-360.png", full_page=True)
    assert width <= client, f"{path} is {width}px wide on a {client}px screen"


def test_the_moderation_pages_fit_a_phone(new_page, login, demo):
    from labinov.portal import actions

    proposal = actions.file_proposal(
        acting_user=None,
        region=demo,
        service="Perizinan usaha mikro yang sangat panjang namanya",
        problem="Pelaku usaha harus datang tiga kali ke kantor kecamatan.",
        idea="Izin diajukan dan diterbitkan lewat aplikasi.",
        contact="pelaku.usaha.dengan.alamat.surel.panjang@contoh.invalid",
    )
    phone = new_page(**PHONE)
    login(phone, "demo-koordinator", DEMO_PASSWORD)
    for path in ("/publik/moderasi/", f"/publik/moderasi/{proposal.pk}/"):
        phone.goto(path)
        width, client = phone.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        SHOTS.mkdir(exist_ok=True)
        name = "moderasi" if path.endswith("moderasi/") else "moderasi-usulan"
        phone.screenshot(path=SHOTS / f"portal-{name}-360.png", full_page=True)
        assert width <= client, f"{path} is {width}px wide on a {client}px screen"
