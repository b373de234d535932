"""A replication made in the browser shows on both ends (issue 5): the demo unit head
replicates a knowledge-base innovation; the new innovation names its source and the
source counts it."""

import re

import pytest
from playwright.sync_api import expect

from labinov.demo.loader import DEMO_PASSWORD, DEMO_UNIT
from labinov.library.models import LibraryEntry, Replication

pytestmark = pytest.mark.browser


def test_the_demo_unit_head_replicates_an_entry(page, login, demo):
    entry = LibraryEntry.objects.filter(source=LibraryEntry.Source.IMPORTED).order_by("id").first()
    login(page, "demo-kepala-unit", DEMO_PASSWORD)

    page.goto(f"/pustaka/{entry.pk}/")
    expect(page.get_by_role("heading", name="Direplikasi 0 kali")).to_be_visible()
    page.get_by_role("link", name="Tiru di unit saya").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amati, Tiru, Modifikasi")
    expect(page.get_by_label("Nama inovasi Anda")).to_have_value(entry.name)
    page.get_by_label("Nama inovasi Anda").fill("Replikasi Purbalingga")
    page.get_by_label("Apa yang diamati tim Anda?").fill("Layanan berjalan di kecamatan.")
    page.get_by_label("Apa yang ditiru tim Anda?").fill("Alur layanan dan formulirnya.")
    # Without what was modified nothing is created: the browser asks for it first.
    page.get_by_role("button", name="Mulai inovasi").click()
    expect(page).to_have_url(re.compile(rf"/pustaka/{entry.pk}/tiru/$"))
    assert not Replication.objects.exists()
    page.get_by_label("Apa yang dimodifikasi tim Anda?").fill("Petugas desa ikut melayani.")
    page.get_by_role("button", name="Mulai inovasi").click()

    expect(page).to_have_url(re.compile(r"/inovasi/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Replikasi Purbalingga")
    source = page.locator(".replication-source")
    expect(source).to_contain_text("Direplikasi dari")
    expect(source).to_contain_text("Petugas desa ikut melayani.")
    source.get_by_role("link", name=entry.name).click()

    expect(page).to_have_url(re.compile(rf"/pustaka/{entry.pk}/$"))
    expect(page.get_by_role("heading", name="Direplikasi 1 kali")).to_be_visible()
    expect(page.locator(".replications")).to_contain_text("Replikasi Purbalingga")
    expect(page.locator(".replications")).to_contain_text(DEMO_UNIT)


def test_similar_innovations_show_while_an_idea_is_typed(page, login, demo):
    from labinov.accounts.models import User
    from labinov.lab import actions as lab_actions
    from labinov.lab.models import Enrolment

    enrolment = Enrolment.objects.get(unit__name=DEMO_UNIT)
    lab_actions.reopen_stage(  # the unit passed diagnose: its coach reopens it for new ideas
        acting_user=User.objects.get(username="demo-coach"),
        subject=enrolment,
        reason="Unit ingin menambah gagasan.",
    )
    problem = enrolment.problems.order_by("id").first()
    login(page, "demo-kepala-unit", DEMO_PASSWORD)
    page.goto(problem.get_absolute_url())
    page.locator("summary", has_text="Tambah gagasan").click()
    form = page.locator("form", has=page.locator("#idea-similar"))
    description = form.locator("textarea[name=description]")
    description.fill("SMK berasrama gratis bagi siswa berprestasi dari keluarga miskin")
    description.press("End")  # a key released in the field: the idea is being typed
    similar = page.locator("#idea-similar")
    expect(similar).to_contain_text("Inovasi yang menjawab kebutuhan serupa")
    expect(similar).to_contain_text("Matahari untuk Kaum Papa di Purbalingga")
    expect(similar).to_contain_text("sudah ada di Kabupaten Purbalingga")
