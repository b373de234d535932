"""Every main page, at 1280 px and on a 360 px phone, as the role that uses it:

- axe-core, run inside the page, finds no serious or critical accessibility violation;
- the page is no wider than the screen (nothing scrolls sideways);
- no request goes to another host (``/api/v1/docs`` included).

axe-core comes from the npm registry, pinned in ``tests/browser/package.json`` (and its
``package-lock.json``); ``make test`` installs it with ``npm ci --prefix tests/browser``
when npm is there and ``tests/browser/node_modules`` is not. Without it these tests are
skipped with a message that says so (``-rs``), never silently.

Set ``LABINOV_SCREENSHOTS=/some/folder`` to save a full-page PNG of every visit there (for
looking at the pages by eye: ``<width>-<role>-<page>.png``).

Run: ``.venv/bin/pytest tests/browser/test_pages_a11y.py -q``.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
AXE_MISSING = (
    "axe-core not installed: run `npm ci --prefix tests/browser` (make test does it when "
    "npm is there); the accessibility tests of tests/browser/test_pages_a11y.py skipped"
)
WIDTHS = {"wide": {"width": 1280, "height": 800}, "phone": {"width": 360, "height": 740}}
SERIOUS = {"serious", "critical"}


def _objects(region):
    """The demo's objects whose pages are visited."""
    from labinov.innovations.models import Innovation
    from labinov.lab.models import Enrolment, LabProgramme
    from labinov.library.models import LibraryEntry

    programme = LabProgramme.objects.filter(region=region).order_by("-year", "pk").first()
    # The unit head's own workspace, in the newest programme that enrols the unit.
    enrolment = (
        Enrolment.objects.filter(
            programme__region=region,
            unit__role_assignments__user__username="demo-kepala-unit",
        )
        .order_by("-programme__year", "pk")
        .first()
    )
    innovation = (
        Innovation.objects.filter(enrolment__programme__region=region)
        .order_by("-published_at", "pk")
        .first()
    )
    return {
        "region": region.code,
        "unit": enrolment.unit_id,
        "programme": programme.pk,
        "enrolment": enrolment.pk,
        "innovation": innovation.pk,
        "entry": LibraryEntry.objects.order_by("pk").first().pk,
    }


# (role, name, path): the role is a demo account, or None for a visitor without one.
PAGES = {
    None: [
        ("home", "/"),
        ("login", "/akun/masuk/"),
        ("search", "/pustaka/?q=antrian+pasien"),
        ("entry", "/pustaka/{entry}/"),
        ("opendata", "/data-terbuka/"),
        ("api-docs", "/api/v1/docs"),
    ],
    "demo-koordinator": [
        ("regions", "/wilayah/"),
        ("region", "/wilayah/{region}/"),
        ("unit", "/wilayah/unit/{unit}/"),
        ("programme", "/lab/{programme}/"),
        ("board", "/lab/{programme}/papan/"),
        ("innovations", "/inovasi/"),
        ("innovation", "/inovasi/{innovation}/"),
        ("index", "/indeks/"),
        ("region-index", "/indeks/{region}/"),
        ("account", "/akun/"),
    ],
    "demo-pimpinan": [
        ("home", "/"),
        ("dashboard", "/inovasi/dasbor/?wilayah={region}"),
        ("summary", "/lab/{programme}/ringkasan/"),
    ],
    "demo-kepala-unit": [
        ("workspace", "/lab/unit/{enrolment}/"),
    ],
}


def _axe_source() -> str:
    if not AXE.exists():
        pytest.skip(AXE_MISSING)
    return AXE.read_text(encoding="utf-8")


def _check(page, path: str, host: str, axe: str, shots: Path | None, name: str) -> list[str]:
    """Visit ``path`` and return what is wrong with it, in words."""
    problems = []
    elsewhere = []

    def listener(request):
        where = urlsplit(request.url)
        if where.scheme in ("http", "https") and where.netloc != host:
            elsewhere.append(request.url)

    page.on("request", listener)
    try:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("request", listener)
    if not response.ok:
        return [f"{path}: answered {response.status}"]
    if elsewhere:
        problems.append(f"{path}: requests to another host: {sorted(set(elsewhere))}")
    width, screen = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if width > screen:
        problems.append(f"{path}: {width} px wide on a {screen} px screen")
    if shots is not None:
        page.screenshot(path=shots / f"{name}.png", full_page=True)
    # The page's Content-Security-Policy refuses inline scripts, so add_script_tag (which
    # inlines the file) would be blocked; Playwright's evaluate runs through the DevTools
    # protocol, which the policy does not govern, and defines `axe` on the page's window.
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe)
    result = page.evaluate(
        """async () => {
          const r = await axe.run(document, {resultTypes: ["violations"]});
          return r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
          }));
        }"""
    )
    for v in result:
        if v["impact"] in SERIOUS:
            problems.append(f"{path}: axe {v['impact']} {v['id']} ({v['help']}) at {v['nodes']}")
    return problems


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", PAGES, ids=lambda r: r or "anonymous")
def test_main_pages_are_accessible_fit_the_screen_and_stay_on_this_host(
    new_page, login, demo, live_server, role, width
):
    axe = _axe_source()
    shots = os.environ.get("LABINOV_SCREENSHOTS")
    folder = Path(shots) if shots else None
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
    page = new_page(viewport=WIDTHS[width])
    if role:
        login(page, role, DEMO_PASSWORD)
    objects = _objects(demo)
    host = urlsplit(live_server.url).netloc
    problems = []
    for name, path in PAGES[role]:
        shot = f"{WIDTHS[width]['width']}-{role or 'anonymous'}-{name}"
        problems += _check(page, path.format(**objects), host, axe, folder, shot)
    assert not problems, "\n".join(problems)


def test_the_menu_is_folded_on_a_phone_and_open_on_a_wide_screen(new_page, demo):
    from playwright.sync_api import expect

    phone = new_page(viewport=WIDTHS["phone"])
    phone.goto("/")
    link = phone.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Wilayah")
    expect(link).to_be_hidden()
    phone.get_by_text("Menu", exact=True).click()  # a <summary>: no JavaScript involved
    expect(link).to_be_visible()
    wide = new_page(viewport=WIDTHS["wide"])
    wide.goto("/")
    expect(wide.get_by_text("Menu", exact=True)).to_be_hidden()
    expect(
        wide.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Wilayah")
    ).to_be_visible()


def test_search_results_come_first_on_a_phone(new_page, demo):
    from playwright.sync_api import expect

    phone = new_page(viewport=WIDTHS["phone"])
    phone.goto("/pustaka/?q=antrian+pasien")
    first = phone.locator(".library-list li").first
    expect(first).to_be_in_viewport()  # on the first screen, not below the filters
    facet = phone.locator(".facet-select").first
    expect(facet).to_be_hidden()
    phone.get_by_text("Saring", exact=True).click()
    expect(facet).to_be_visible()
    wide = new_page(viewport=WIDTHS["wide"])
    wide.goto("/pustaka/?q=antrian+pasien")
    expect(wide.locator(".facet-select").first).to_be_visible()
