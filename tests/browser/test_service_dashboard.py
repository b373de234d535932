"""The leader's dashboard with its service roll-ups and charts, at 1280 and 360 px: the
figures read in Indonesian, and the charts never make the page scroll sideways."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from labinov.demo.loader import DEMO_PASSWORD
from labinov.innovations.models import Innovation

pytestmark = pytest.mark.browser

SHOTS = Path("test-results")


def _check(page, name: str):
    page.goto("/inovasi/dasbor/?wilayah=33.03")
    section = page.locator("#service-improvements")
    expect(section).to_be_visible()
    expect(section.locator('[data-rollup="rupiah"] strong')).to_have_text("Rp 116.400.000")
    expect(section.locator('[data-rollup="faster"] strong')).to_have_text("+70 %")
    expect(section.locator('[data-rollup="hours"] strong')).to_have_text("39.600 jam")
    expect(page.locator("#improvements")).to_contain_text("baru (dari 0)")
    expect(page.locator("#time")).to_contain_text("hari")
    body = page.locator("body").inner_text()
    assert "None" not in body and "0,0 d" not in body
    width, client = page.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert width <= client, f"the dashboard is {width}px wide on a {client}px screen"
    # Every chart fits the width of the page.
    for box in page.locator("#service-improvements svg").evaluate_all(
        "els => els.map(e => e.getBoundingClientRect().right)"
    ):
        assert box <= client, f"a chart reaches {box}px on a {client}px screen"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SHOTS / f"dasbor-layanan-{name}.png", full_page=True)


def test_the_leaders_dashboard_at_1280_and_360_px(page, new_page, login, demo):
    login(page, "demo-pimpinan", DEMO_PASSWORD)
    _check(page, "1280")
    phone = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    login(phone, "demo-pimpinan", DEMO_PASSWORD)
    _check(phone, "360")


def test_the_public_profile_shows_before_and_after_on_a_phone(new_page, demo):
    phone = new_page(viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True)
    innovation = Innovation.objects.get(name__startswith="[Contoh demo] Akta")
    phone.goto(f"/inovasi/{innovation.pk}/")
    service = phone.locator("#service")
    expect(service).to_contain_text("Sebelum")
    expect(service).to_contain_text("Rp 50.000")
    expect(service.locator("#rupiah-per-year")).to_contain_text("Rp 60.000.000")
    width, client = phone.evaluate(
        "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
    )
    assert width <= client, f"the profile is {width}px wide on a {client}px screen"
    SHOTS.mkdir(exist_ok=True)
    phone.screenshot(path=SHOTS / "profil-publik-360.png", full_page=True)
