"""The foundation as people use it in a real browser: the public, the region's coordinator,
a unit head, a keyboard user, a phone, an English reader and another system's owner."""

import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from labinov.accounts.models import ApiToken, RoleAssignment
from labinov.demo.loader import DEMO_PASSWORD, DEMO_UNIT
from labinov.regions.models import Unit

pytestmark = pytest.mark.browser


def indonesian(msgid: str) -> str:
    """What a person reading Indonesian sees for an English msgid; fails while the
    Indonesian catalogue has no translation for it."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    assert text != msgid, f"not translated into Indonesian yet: {msgid!r}"
    return text


def field(where, label: str):
    """A form field by its label as shown (a required field's label ends with "*")."""
    return where.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def stays_on_page(page):
    """Mark the document: the mark survives an HTMX swap but not a page load."""
    page.evaluate("window.labinovMark = 'same page'")
    return lambda: page.evaluate("window.labinovMark") == "same page"


def test_the_public_browses_the_demo_region_in_indonesian(page, demo):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    # With one region, the public front is that region's (portal/, issue 12).
    expect(page.get_by_role("heading", level=1)).to_have_text("Inovasi Kabupaten Purbalingga")

    page.get_by_role("navigation", name="Menu utama").get_by_role("link", name="Wilayah").click()
    page.get_by_role("link", name="Kabupaten Purbalingga").click()
    expect(page).to_have_url(re.compile(r"/wilayah/33\.03/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kabupaten Purbalingga")
    rows = page.locator("#unit-table tbody tr")
    expect(rows).to_have_count(86)
    # The public sees units but not the region's people.
    expect(page.get_by_role("link", name="Orang dan peran")).to_have_count(0)

    same_page = stays_on_page(page)
    kind = field(page, indonesian("Kind"))
    option = kind.locator("option", has_text=re.compile(r"^Kecamatan"))
    expect(option).to_have_count(1)
    kind.select_option(option.get_attribute("value"))
    expect(page).to_have_url(re.compile(r"/wilayah/33\.03/\?kind=kecamatan$"))
    expect(rows).to_have_count(18)
    assert same_page(), "choosing a kind reloaded the whole page instead of the table"
    kind_label = indonesian("Kecamatan (district)")
    expect(rows.locator("td:nth-child(2)")).to_have_text([kind_label] * 18)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kabupaten Purbalingga")

    page.get_by_role("link", name="Kecamatan Bukateja").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kecamatan Bukateja")
    expect(page.locator("dl.facts")).to_contain_text(kind_label)
    # Only people with a role in the region see who works in a unit.
    expect(page.get_by_role("heading", name=indonesian("People of this unit"))).to_have_count(0)

    # Back: the whole page with the filter kept, not the table fragment from the cache.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/wilayah/33\.03/\?kind=kecamatan$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Kabupaten Purbalingga")
    expect(rows).to_have_count(18)
    expect(kind).to_have_value("kecamatan")
    # HTMX restoring a page missing from its history cache needs the whole page too.
    restored = page.request.get(
        "/wilayah/33.03/?kind=kecamatan",
        headers={"HX-Request": "true", "HX-History-Restore-Request": "true"},
    )
    assert "<h1>Kabupaten Purbalingga</h1>" in restored.text()


def test_the_coordinator_invites_a_team_member(page, login, demo):
    login(page, "demo-koordinator", DEMO_PASSWORD)
    # The coordinator's home shows the programme board; the region is under "Wilayah".
    page.locator(".menu").get_by_role("link", name="Wilayah").click()
    page.get_by_role("link", name="Kabupaten Purbalingga", exact=True).first.click()
    expect(page.locator("#unit-table tbody tr")).to_have_count(86)

    page.get_by_role("link", name="Orang dan peran").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Orang dan peran")
    field(page, indonesian("First name")).fill("Sari")
    field(page, indonesian("Last name")).fill("Wulandari")
    field(page, indonesian("E-mail address")).fill("sari.wulandari@example.org")
    field(page, indonesian("Position")).fill("Analis Kebijakan")
    field(page, indonesian("Role")).select_option(label=indonesian("Team member"))
    field(page, indonesian("Unit")).select_option(label=DEMO_UNIT)
    page.get_by_role("button", name=indonesian("Give the role")).click()

    expect(page.locator(".messages")).to_contain_text(
        indonesian("%(email)s now holds the role.") % {"email": "sari.wulandari@example.org"}
    )
    row = page.locator("tbody tr", has_text="Sari Wulandari")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(indonesian("Team member"))
    expect(row).to_contain_text(DEMO_UNIT)
    expect(row).to_contain_text("sari.wulandari@example.org")
    assert RoleAssignment.objects.filter(
        user__email="sari.wulandari@example.org", role="team_member", unit__name=DEMO_UNIT
    ).exists()
    assert [m.to for m in mail.outbox] == [["sari.wulandari@example.org"]]


def test_a_unit_head_sees_their_unit_but_not_the_regions_people(page, login, demo):
    login(page, "demo-kepala-unit", DEMO_PASSWORD)
    response = page.goto("/wilayah/33.03/orang/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(indonesian("Not allowed"))
    refusal = indonesian(
        "Only the coordinators, leaders, coaches and assessors of %(region)s see its people."
    ) % {"region": "Kabupaten Purbalingga"}
    expect(page.locator("main")).to_contain_text(refusal)

    # "My unit" opens the unit's workspace in its current programme; the unit's page
    # links to that workspace too.
    page.get_by_role("link", name=indonesian("My unit")).click()
    expect(page).to_have_url(re.compile(r"/lab/unit/\d+/$"))
    workspace = page.url
    unit = Unit.objects.get(name=DEMO_UNIT)
    page.goto(unit.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(DEMO_UNIT)
    expect(page.locator(".facts")).to_contain_text("Akun Demo Kepala Unit")
    page.get_by_role("link", name=indonesian("The unit's lab workspace")).click()
    expect(page).to_have_url(workspace)
    page.goto(unit.get_absolute_url())
    people = page.locator("main ul li")
    expect(people.filter(has_text="Akun Demo Kepala Unit")).to_contain_text(indonesian("Unit head"))
    expect(people.filter(has_text="Akun Demo Anggota Tim")).to_contain_text(
        indonesian("Team member")
    )
    expect(people.filter(has_text="Akun Demo Koordinator Wilayah")).to_have_count(0)


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_have_text(indonesian("Skip to content"))
    box = skip.bounding_box()  # off screen until focused, then shown
    assert box is not None and box["x"] >= 0 and box["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_pages_fit_a_phone_without_scrolling_sideways(new_page, login, demo):
    phone = new_page(viewport={"width": 375, "height": 667}, is_mobile=True, has_touch=True)

    def fits(path):
        phone.goto(path)
        expect(phone.locator("h1")).to_be_visible()
        width, client = phone.evaluate(
            "[document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"
        )
        assert width <= client, f"{path} is {width}px wide on a {client}px phone screen"

    # One demo load for several pages: the home page, the widest table, a form...
    for path in ["/", "/wilayah/33.03/", "/akun/masuk/"]:
        fits(path)
    # ...and what the coordinator sees: a table with hidden column labels, long addresses.
    login(phone, "demo-koordinator", DEMO_PASSWORD)
    for path in ["/", "/wilayah/33.03/orang/", "/akun/"]:
        fits(path)


def test_a_reader_switches_to_english_in_the_footer(page, demo):
    page.goto("/wilayah/33.03/")
    footer = page.locator("footer")
    field(footer, indonesian("Language")).select_option("en")
    footer.get_by_role("button", name=indonesian("Change")).click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page).to_have_url(re.compile(r"/wilayah/33\.03/$"))
    expect(page.get_by_role("heading", name="Units")).to_be_visible()
    page.get_by_role("link", name="Home").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Innovations of Kabupaten Purbalingga"
    )
    expect(page.locator("footer select")).to_have_value("en")


def test_an_api_token_is_shown_once_and_can_be_revoked(page, login, demo):
    login(page, "demo-anggota-tim", DEMO_PASSWORD)
    page.get_by_role("link", name=indonesian("My account")).click()
    expect(page.get_by_role("heading", name=indonesian("API tokens"))).to_be_visible()

    same_page = stays_on_page(page)
    field(page, indonesian("Token name")).fill("Dasbor Bappeda")
    page.get_by_role("button", name=indonesian("Create token")).click()
    shown = page.locator("#new-token")
    expect(shown).to_be_visible()
    expect(page.locator("#tokens")).to_contain_text(
        indonesian("Your new token. Copy it now: it will not be shown again.")
    )
    assert same_page(), "creating a token reloaded the page instead of swapping the list"
    raw = shown.inner_text().strip()
    token = ApiToken.objects.get(name="Dasbor Bappeda")
    assert raw.startswith(token.key_prefix) and len(raw) > len(token.key_prefix) + 20
    row = page.locator("#tokens tbody tr", has_text="Dasbor Bappeda")
    expect(row).to_contain_text(token.key_prefix)
    expect(field(page, indonesian("Token name"))).to_have_value("")

    page.reload()
    expect(page.locator("#new-token")).to_have_count(0)
    assert raw not in page.content()

    same_page = stays_on_page(page)
    row.get_by_role("button", name=indonesian("Revoke")).click()
    expect(row).to_contain_text(indonesian("Revoked"))
    expect(row.get_by_role("button")).to_have_count(0)
    expect(page.locator("#tokens")).to_contain_text(indonesian("The token was revoked."))
    assert same_page()
    token.refresh_from_db()
    assert token.revoked_at is not None
    # Said once, where it happened: not again on the next page.
    page.reload()
    expect(page.locator("main")).not_to_contain_text(indonesian("The token was revoked."))
