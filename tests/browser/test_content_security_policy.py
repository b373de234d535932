"""The Content-Security-Policy in a real browser: the main pages, anonymous and logged in,
raise no violation, and their htmx behaviours still work under the policy."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of every page: a blocked script, style, image, eval or frame is
# reported by the browser as a `securitypolicyviolation` event, and htmx reports an
# attribute it would have evaluated as `htmx:evalDisallowedError`.
WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP-VIOLATION ${e.violatedDirective} ${e.blockedURI} at ${where}`);
});
document.addEventListener("htmx:evalDisallowedError", (e) => {
  const element = e.target.outerHTML.slice(0, 120);
  console.error(`CSP-VIOLATION htmx would eval an attribute of ${element}`);
});
"""


@pytest.fixture
def violations(page):
    """What the browser refused on ``page``, with the page's address."""
    seen = []

    def on_console(message):
        if "CSP-VIOLATION" in message.text or "Content Security Policy" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.add_init_script(WATCH)
    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.append(f"{page.url}: {error}"))
    return seen


def visit(page, path):
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    policy = response.headers.get("content-security-policy", "")
    assert "script-src 'self';" in policy, f"{path} has no strict policy: {policy!r}"
    return response


def htmx_swap(page, url_part):
    """Wait for the htmx request whose answer the action inside the block causes."""
    return page.expect_response(
        lambda r: url_part in r.url and r.request.headers.get("hx-request") == "true"
    )


def search_the_library(page):
    visit(page, "/pustaka/")
    page.get_by_label("Masalah apa yang ingin Anda selesaikan?").fill("akta kelahiran")
    with htmx_swap(page, "/pustaka/"):
        page.get_by_role("button", name="Cari").click()
    page.get_by_text("inovasi ditemukan").wait_for()
    page.wait_for_function("location.search.includes('q=')")  # hx-push-url
    province = page.locator("#facet-province option").nth(1).get_attribute("value")
    with htmx_swap(page, "province="):
        page.get_by_label("Provinsi").select_option(province)
    expect(page.locator(".library-list .meta").first).to_contain_text(province)
    page.locator(".library-list a").first.click()
    page.get_by_role("heading", name="Masalah").wait_for()


def filter_the_region(page):
    visit(page, "/wilayah/33.03/")
    kind = page.locator("#kind option").nth(1).get_attribute("value")
    with htmx_swap(page, f"kind={kind}"):
        page.select_option("#kind", kind)
    page.wait_for_function(f"location.search.includes('kind={kind}')")


def test_anonymous_pages_raise_no_violation(page, violations, demo):
    from labinov.innovations.models import Innovation

    visit(page, "/")
    search_the_library(page)
    filter_the_region(page)
    visit(page, "/lab/")
    visit(page, "/inovasi/")
    visit(page, f"/inovasi/{Innovation.objects.order_by('pk').first().pk}/")
    visit(page, "/akun/masuk/")
    # The public portal (no htmx there).
    for path in (
        "/publik/33.03/galeri/?q=akta",
        "/publik/33.03/statistik/",
        "/publik/33.03/expo/",
        "/publik/usulan/",
    ):
        visit(page, path)
    assert violations == []


def test_a_coordinators_pages_raise_no_violation(page, violations, login, demo):
    from labinov.innovations.models import Innovation
    from labinov.lab.models import LabProgramme, Problem

    login(page, "demo-koordinator", DEMO_PASSWORD)
    programme = LabProgramme.objects.order_by("pk").first()
    innovation = Innovation.objects.order_by("pk").first()
    for path in (
        "/",
        "/lab/",
        f"/lab/{programme.pk}/",
        f"/lab/{programme.pk}/papan/",
        f"/lab/masalah/{Problem.objects.order_by('pk').first().pk}/",
        "/lab/tahapan/",
        "/inovasi/",
        "/inovasi/dasbor/",
        f"/inovasi/{innovation.pk}/",
        f"/inovasi/{innovation.pk}/ubah/",
        "/wilayah/",
        "/wilayah/jejak-audit/",
    ):
        visit(page, path)
    search_the_library(page)
    filter_the_region(page)

    visit(page, "/akun/")
    page.fill("#tokens input[name=name]", "CSP")
    with htmx_swap(page, "/akun/token/"):
        page.get_by_role("button", name="Buat token").click()
    expect(page.locator("#tokens code.token")).to_be_visible()
    assert violations == []


def test_a_team_member_edits_the_fishbone_with_htmx(page, violations, login, demo):
    from labinov.accounts.models import RoleAssignment, User
    from labinov.lab import actions
    from labinov.lab.models import Problem

    login(page, "demo-anggota-tim", DEMO_PASSWORD)
    unit = RoleAssignment.objects.get(user__username="demo-anggota-tim").unit
    problem = Problem.objects.filter(enrolment__unit=unit).order_by("pk").first()
    actions.reopen_stage(  # the demo unit passed diagnose: its coach reopens it
        acting_user=User.objects.get(username="demo-coach"),
        subject=problem.enrolment,
        reason="Penyebab perlu dilengkapi.",
    )
    visit(page, f"/lab/masalah/{problem.pk}/")
    page.select_option("#id_category", "metode")
    page.fill("#fishbone #id_text", "Formulir dicetak ulang")
    with htmx_swap(page, "/penyebab/"):
        page.get_by_role("button", name="Tambah penyebab").click()
    expect(page.locator("#fishbone")).to_contain_text("Formulir dicetak ulang")
    with htmx_swap(page, "/hapus/"):
        page.get_by_role("button", name="Hapus: Formulir dicetak ulang").click()
    expect(page.locator("#fishbone .causes").first).to_be_visible()
    for causes in page.locator("#fishbone .causes").all():
        expect(causes).not_to_contain_text("Formulir dicetak ulang")
    # The removal can be undone, in place.
    with htmx_swap(page, "/pulihkan/"):
        page.get_by_role("button", name="Batalkan").click()
    expect(page.locator("#fishbone table")).to_contain_text("Formulir dicetak ulang")
    expect(page.locator("#undo")).to_have_count(0)
    assert violations == []


def test_the_watch_sees_what_the_policy_refuses(page, violations, demo):
    """The tests above can fail: an inline script, a style attribute and an htmx hx-on
    attribute are each refused, and the watch reports each. (A page that loads htmx: the
    public portal's pages leave it out.)"""
    visit(page, "/wilayah/33.03/")

    def refused(words):
        return page.expect_console_message(lambda m: "CSP-VIOLATION" in m.text and words in m.text)

    with refused("script-src"):
        page.evaluate(
            """() => {
            const script = document.createElement("script");
            script.textContent = "window.ranInline = true";
            document.body.append(script);
            }"""
        )
    assert page.evaluate("window.ranInline") is None
    with refused("style-src"):
        page.evaluate(
            """() => document.body.insertAdjacentHTML("beforeend", '<p style="color: red">x</p>')"""
        )
    with refused("htmx would eval"):
        page.evaluate(
            """() => {
            const html = '<button id="x" hx-on:click="1">x</button>';
            document.body.insertAdjacentHTML("beforeend", html);
            htmx.process(document.getElementById("x"));
            document.getElementById("x").click();
            }"""
        )
    # Chromium also logs its own "Content Security Policy" line for each refusal.
    assert sum("CSP-VIOLATION" in seen for seen in violations) == 3, violations


def test_the_admin_raises_no_violation(page, violations, login, demo):
    login(page, "demo-admin", DEMO_PASSWORD)
    for path in ("/admin/", "/admin/core/auditevent/", "/admin/regions/unit/"):
        visit(page, path)
    page.locator("#result_list tbody a").first.click()
    page.wait_for_load_state()
    assert violations == []


def test_the_api_docs_render_offline_under_the_policy(page, live_server, violations):
    """Swagger UI comes from the app's static files: it renders the operations with no
    request to another host and no violation."""
    foreign = []
    page.on(
        "request",
        lambda r: foreign.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    visit(page, f"{live_server.url}/api/v1/docs")
    expect(page.locator(".opblock").first).to_be_visible()
    assert foreign == []
    assert violations == []
