"""Each role reaches its next task from the home page in at most two clicks, and the home
fits a 360 px phone without scrolling sideways."""

import datetime
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from labinov.accounts.models import User
from labinov.demo.loader import DEMO_PASSWORD, DEMO_UNIT
from labinov.innovations import actions as innovation_actions
from labinov.lab.models import LabProgramme

pytestmark = pytest.mark.browser

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "role-homes"


def _fits(page, name: str) -> None:
    """Screenshots of the page at 1280 and 360 px; at 360 nothing scrolls sideways."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 800})
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.set_viewport_size({"width": 1280, "height": 800})


def test_coach_reaches_a_waiting_gate(page, login, demo):
    login(page, "demo-coach", DEMO_PASSWORD)
    section = page.locator("#home-coach")
    expect(section.get_by_role("heading", level=2)).to_be_visible()
    _fits(page, "coach")
    section.locator("ol.queue a").first.click()
    expect(page.locator("#gate form")).to_be_visible()


def test_assessor_reaches_the_expo_to_score(page, login, demo):
    programme = LabProgramme.objects.get(region=demo)
    innovation_actions.create_expo(
        acting_user=User.objects.get(username="demo-koordinator"),
        programme=programme,
        title="Expo Inovasi Purbalingga",
        held_on=datetime.date.today() + datetime.timedelta(days=7),
        jurors=[User.objects.get(username="demo-penilai")],
    )
    login(page, "demo-penilai", DEMO_PASSWORD)
    section = page.locator("#home-assessor")
    expect(section).to_contain_text("masih harus Anda nilai")
    _fits(page, "assessor")
    section.get_by_role("link", name="Expo Inovasi Purbalingga").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Expo Inovasi Purbalingga")


def test_leader_reaches_the_portfolio_dashboard(page, login, demo):
    login(page, "demo-pimpinan", DEMO_PASSWORD)
    section = page.locator("#home-leader")
    expect(section).to_contain_text(demo.name)
    _fits(page, "leader")
    section.get_by_role("link", name="Dasbor portofolio").click()
    expect(page).to_have_url(re.compile(rf"/inovasi/dasbor/\?wilayah={re.escape(demo.code)}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_coordinator_reaches_the_programme_board(page, login, demo):
    login(page, "demo-koordinator", DEMO_PASSWORD)
    section = page.locator("#home-coordinator")
    expect(section.locator("table")).to_be_visible()
    _fits(page, "coordinator")
    section.locator("h3 a").first.click()
    expect(page.locator("table.board")).to_be_visible()


@pytest.mark.parametrize("username", ["demo-kepala-unit", "demo-anggota-tim"])
def test_unit_people_reach_their_workspace_and_its_checklist(page, login, demo, username):
    login(page, username, DEMO_PASSWORD)
    section = page.locator("#home-unit_head, #home-team")
    expect(section).to_contain_text(DEMO_UNIT)
    _fits(page, username)
    section.get_by_role("link", name="Buka ruang kerja").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(DEMO_UNIT)
    expect(page.locator("#gate")).to_be_visible()


def test_notifications_page_fits_a_phone(page, login, demo):
    login(page, "demo-kepala-unit", DEMO_PASSWORD)
    page.get_by_role("link", name="Pemberitahuan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Pemberitahuan")
    _fits(page, "notifications")
