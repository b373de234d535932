"""A programme from set-up to the drum-up gate, walked in a real browser by each role."""

import pytest
from playwright.sync_api import expect

from labinov.lab import readiness
from labinov.lab.models import Enrolment, LabProgramme
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_programme_walked_by_every_role(page, login, people, region, unit):
    def as_person(role):
        page.context.clear_cookies()
        login(page, people[role].username, PASSWORD)

    # The coordinator creates the programme and enrols all units of the region.
    as_person("coordinator")
    page.goto("/lab/")
    page.get_by_role("button", name="Buat program").click()
    page.fill("#id_title", "Laboratorium Inovasi Uji Peramban")
    page.fill("#id_year", "2025")
    page.select_option("#id_status", "running")
    page.fill("#id_drum_up_start", "2025-10-12")
    page.fill("#id_drum_up_end", "2025-10-13")
    page.get_by_label(str(people["coach"])).check()
    # A stage dated in another year is refused on its own date (issue 11, item 4).
    page.fill("#id_diagnose_start", "2024-10-12")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#id_diagnose_start_error")).to_contain_text("program tahun 2025")
    assert not LabProgramme.objects.exists()
    page.fill("#id_diagnose_start", "2025-10-12")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".messages")).to_contain_text("Program dibuat")
    expect(page.locator("#plan-table")).to_contain_text("12 Okt 2025")
    page.select_option("#id_kind", "all")
    page.get_by_role("button", name="Daftarkan", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("1 unit didaftarkan")
    expect(page.locator("table").last).to_contain_text(unit.name)
    programme = LabProgramme.objects.get(title="Laboratorium Inovasi Uji Peramban")
    enrolment = Enrolment.objects.get(programme=programme, unit=unit)
    workspace = f"/lab/unit/{enrolment.pk}/"

    # The unit head signs the pact and forms the team with its decree.
    as_person("unit_head")
    page.goto(f"/lab/{programme.pk}/")
    page.get_by_role("link", name=unit.name).click()
    page.fill("#id_signer_name", "dr. Sri Uji")
    page.fill("#id_signer_position", "Kepala Dinas")
    page.get_by_role("button", name="Tanda tangani pakta").click()
    expect(page.locator("#pact-signed")).to_contain_text("dr. Sri Uji")
    page.get_by_text("Tambah anggota atau SK").click()
    team_form = page.locator("form[action$='/tim/']")
    team_form.locator("#id_name").fill("Ani Pelayanan")
    team_form.locator("#id_team_role").select_option("ketua")
    team_form.get_by_role("button", name="Tambah anggota").click()
    expect(page.locator("#team-members")).to_contain_text("Ani Pelayanan")
    page.get_by_text("Tambah anggota atau SK").click()
    page.fill("#id_decree_number", "SK 800/12/2025")
    page.get_by_role("button", name="Simpan SK").click()
    expect(page.locator(".messages")).to_contain_text("SK Tim sudah dicatat")

    # The coach tries the gate: refused, the missing self-assessment is named.
    as_person("coach")
    page.goto(workspace)
    page.fill("#id_reason", "Cek kelengkapan drum-up")
    page.get_by_role("button", name="Catat keputusan").click()
    expect(page.locator(".messages")).to_contain_text("Gerbang ditolak")
    expect(page.locator(".messages")).to_contain_text(
        f"{unit.name} belum mengisi penilaian mandiri kesiapan"
    )
    expect(page.locator("#current-stage")).to_have_text("Drum-up")

    # A team member fills in the self-assessment, lists a problem and scores it.
    as_person("team_member")
    page.goto(workspace)
    page.get_by_role("link", name="Isi penilaian mandiri").click()
    for question in readiness.questionnaire()["questions"]:
        page.check(f"input[name='{question['key']}'][value='3']")
    page.get_by_role("button", name="Simpan penilaian").click()
    expect(page.locator("#readiness-score")).to_contain_text("Skor 24 dari 32")
    page.get_by_role("link", name="Tambah masalah").click()
    page.fill("#id_service", "Akta kelahiran")
    page.fill("#id_description", "Akta terbit 7 hari dan warga datang dua kali")
    page.fill("#id_affected", "Orang tua bayi baru lahir")
    page.fill("#id_baseline_days", "7")
    page.fill("#id_baseline_steps", "5")
    page.get_by_role("button", name="Simpan masalah").click()
    expect(page.locator("h1")).to_have_text("Akta kelahiran")
    page.select_option("#id_category", "metode")
    page.fill("#fishbone #id_text", "Berkas diperiksa manual")
    page.get_by_role("button", name="Tambah penyebab").click()
    expect(page.locator("#fishbone")).to_contain_text("Berkas diperiksa manual")
    page.select_option("#id_urgency", "5")
    page.select_option("#id_seriousness", "4")
    page.select_option("#id_growth", "4")
    page.get_by_role("button", name="Simpan skor saya").click()
    expect(page.locator("#usg-result")).to_contain_text("Peringkat 1")

    # The coach passes the drum-up gate.
    as_person("coach")
    page.goto(workspace)
    page.fill("#id_reason", "Pakta, tim, SK dan kesiapan lengkap")
    page.get_by_role("button", name="Catat keputusan").click()
    expect(page.locator(".messages")).to_contain_text("Gerbang dilalui")
    expect(page.locator("#current-stage")).to_have_text("Diagnose")

    # The leader sees the result for the whole region.
    as_person("leader")
    page.goto(f"/lab/{programme.pk}/")
    page.get_by_role("link", name="Ringkasan daerah").click()
    diagnose_row = page.locator("tr", has=page.locator("th", has_text="Diagnose"))
    expect(diagnose_row).to_contain_text("100%")
    expect(page.locator("#lab-figures")).to_contain_text("1 pakta ditandatangani")
