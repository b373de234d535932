import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def library_rows(transactional_db):
    from labinov.core.system import SystemActor
    from labinov.demo.loader import load_library

    load_library(SystemActor("test"))


def test_a_person_searches_narrows_and_opens_an_innovation(page, library_rows):
    page.goto("/pustaka/")
    page.get_by_label("Masalah apa yang ingin Anda selesaikan?").fill(
        "warga sulit mengurus akta kelahiran"
    )
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("inovasi ditemukan").wait_for()
    assert page.locator("mark").count() > 0
    province = page.locator("#facet-province option").nth(1).get_attribute("value")
    page.get_by_label("Provinsi").select_option(province)
    page.wait_for_url(re.compile(r"[?&]province="))  # no eval in the page: the CSP forbids it
    expect(page.locator(".library-list .meta").first).to_contain_text(province)
    assert all(province in meta for meta in page.locator(".library-list .meta").all_inner_texts())
    page.locator(".library-list a").first.click()
    page.get_by_role("heading", name="Masalah").wait_for()
    assert page.get_by_text("Inovasi serupa").is_visible()


def test_one_search_sends_one_request_and_logs_no_error(page, library_rows):
    """Typing then pressing "Cari" used to fire "change" and "submit": two requests, the
    first aborted with an htmx error in the console (issue 11, defect 9)."""
    page.goto("/pustaka/")
    searches, errors = [], []
    page.on(
        "request",
        lambda request: "/pustaka/?" in request.url and searches.append(request.url),
    )
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.get_by_label("Masalah apa yang ingin Anda selesaikan?").fill("akta kelahiran")
    page.get_by_role("button", name="Cari").click()
    page.get_by_text("inovasi ditemukan").wait_for()
    page.wait_for_load_state("networkidle")
    assert len(searches) == 1, searches
    province = page.locator("#facet-province option").nth(1).get_attribute("value")
    page.get_by_label("Provinsi").select_option(province)
    page.wait_for_url(re.compile(r"[?&]province="))
    page.wait_for_load_state("networkidle")
    assert len(searches) == 2, searches
    assert "q=akta" in searches[1]  # the facet keeps the query
    assert errors == []
