"""The coordinator and the leader of the demo region see the same innovation index and
the same "what is missing" (issue 10), reached from the menu; the coordinator's what-if
raises the index by the points the list promised."""

import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from labinov.demo.loader import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def _decimal(value: float) -> str:
    """The figure as the Indonesian page writes it (comma decimals)."""
    return f"{value:.2f}".replace(".", ",")


def test_coordinator_and_leader_see_the_same_index_and_what_is_missing(new_page, login, demo):
    out = StringIO()
    call_command("score", "33.03", "--json", stdout=out)
    cli = json.loads(out.getvalue())
    seen = {}
    for username in ("demo-koordinator", "demo-pimpinan"):
        page = new_page()
        login(page, username, DEMO_PASSWORD)
        page.get_by_role("navigation", name="Menu utama").get_by_role(
            "link", name="Indeks Inovasi"
        ).click()
        page.get_by_role("link", name="Kabupaten Purbalingga").click()
        expect(page).to_have_url(re.compile(r"/indeks/33\.03/$"))
        expect(page.get_by_test_id("index-value")).to_have_text(_decimal(cli["index"]))
        expect(page.get_by_test_id("index-category")).to_have_text(cli["category"])
        expect(page.get_by_role("heading", name="Yang masih kurang")).to_be_visible()
        expect(page.get_by_test_id("ineligible")).to_contain_text("2024-01-01")
        rows = page.get_by_test_id("missing").locator("tbody tr")
        seen[username] = rows.all_inner_texts()
        first = cli["missing"][0]
        expect(rows.first).to_contain_text(first["name"])
        expect(rows.first).to_contain_text("+" + _decimal(first["points"]))
        if username == "demo-koordinator":
            expect(page.get_by_role("link", name="Isi jawaban dan bukti dukung")).to_be_visible()
            rows.first.get_by_role("checkbox").check()
            page.get_by_role(
                "button", name="Tampilkan indeks setelah perbaikan yang dipilih"
            ).click()
            after = _decimal(cli["index"] + first["points"])
            expect(page.get_by_test_id("what-if")).to_contain_text(after)
        else:
            expect(page.get_by_role("link", name="Isi jawaban dan bukti dukung")).to_have_count(0)
        page.close()
    assert seen["demo-koordinator"] == seen["demo-pimpinan"]
