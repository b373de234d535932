"""One innovation from idea to documentation in a real browser: the demo unit's team builds
it, the demo coach passes each gate, and the public sees it only once display is passed."""

import re

import pytest
from playwright.sync_api import expect

from labinov.accounts.models import User
from labinov.core.system import SystemActor
from labinov.demo.loader import DEMO_PASSWORD, DEMO_UNIT
from labinov.innovations.models import Innovation
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment

pytestmark = pytest.mark.browser

SENTENCE = "Warga mengurus akta kematian langsung di desa tanpa datang ke kantor dinas. "
SECTIONS = [
    "design_legal_basis",
    "design_problem",
    "design_strategic_issue",
    "design_method",
    "design_advantages",
    "design_stages",
]


def new_idea():
    """A new idea of the demo unit, which has passed diagnose: its coach reopens diagnose
    for it and passes the gate again."""
    enrolment = Enrolment.objects.get(unit__name=DEMO_UNIT)
    coach = User.objects.get(username="demo-coach")
    lab_actions.reopen_stage(
        acting_user=coach, subject=enrolment, reason="Gagasan baru tentang akta kematian."
    )
    problem = enrolment.problems.order_by("id").first()
    idea = lab_actions.add_idea(
        acting_user=SystemActor("uji peramban"),
        problem=problem,
        title="Akta Kematian dari Desa",
        is_new=True,
        benefits=True,
        no_burden=True,
        in_authority=True,
        replicable=True,
    )
    lab_actions.decide_gate(
        acting_user=coach,
        subject=enrolment,
        stage="diagnose",
        decision="approved",
        reason="Gagasan diuji.",
    )
    return idea


def pass_gate(page, url, expected_stage):
    page.goto(url)
    form = page.locator("#gate-form")
    form.locator("input[value=approved]").check()
    form.locator("textarea[name=reason]").fill("Lengkap, lanjutkan.")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Gerbang dilalui")
    if expected_stage:
        expect(page.locator("#current-stage")).to_have_text(expected_stage)


def open_details(page, summary: str):
    page.locator("summary", has_text=summary).first.click()


def test_an_idea_becomes_a_documented_innovation_gate_by_gate(page, new_page, login, demo):
    idea = new_idea()
    login(page, "demo-anggota-tim", DEMO_PASSWORD)

    # The team makes the idea an innovation from the problem page.
    page.goto(idea.problem.get_absolute_url())
    page.get_by_role("link", name="Jadikan inovasi").click()
    page.get_by_role("button", name="Buat inovasi").click()
    expect(page).to_have_url(re.compile(r"/inovasi/\d+/ubah/$"))
    innovation = Innovation.objects.get(idea=idea)
    url = innovation.get_absolute_url()

    # Design: the national form with its six guided sections.
    page.locator("#id_affairs").fill("Administrasi Kependudukan")
    for name in SECTIONS:
        page.locator(f"#id_{name}").fill(SENTENCE * 5)
    page.locator("#id_budget_amount").fill("7500000")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#design-words")).to_contain_text("Rancangan berisi")
    open_details(page, "Tambah langkah")
    form = page.locator("#milestone-form")
    form.locator("#id_title").fill("Uji coba di tiga desa")
    form.locator("#id_owner").fill("Ketua tim")
    form.locator("#id_start").fill("2022-11-24")
    form.locator("#id_end").fill("2099-12-14")
    form.locator("#id_deliverable").fill("Akta kematian terbit dari desa")
    form.locator("button[type=submit]").click()
    open_details(page, "Isi target atau capaian")
    form = page.locator("#measure-form")
    form.locator("#id_measure").select_option("days")
    form.locator("#id_target").fill("2")
    form.locator("button[type=submit]").click()
    expect(page.locator("#action-plan")).to_contain_text("Uji coba di tiga desa")

    coach = new_page()
    login(coach, "demo-coach", DEMO_PASSWORD)
    pass_gate(coach, url, "Deliver")

    # Deliver: the trial date, progress with evidence, the actual measure.
    page.goto(f"{url}ubah/")
    page.locator("#id_trial_date").fill("2022-11-24")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("#tahapan")).to_have_text("Uji coba")
    open_details(page, "Catat kemajuan")
    form = page.locator("#action-plan form[action*=kemajuan]").first
    form.locator("input[name=progress]").fill("100")
    form.locator("input[name=note]").fill("35 akta terbit dari desa")
    form.locator("button[type=submit]").click()
    open_details(page, "Isi target atau capaian")
    form = page.locator("#measure-form")
    form.locator("#id_measure").select_option("days")
    form.locator("#id_target").fill("2")
    form.locator("#id_actual").fill("1")
    form.locator("button[type=submit]").click()
    pass_gate(coach, url, "Display")

    # Display: launch, the public summary and a photo.
    page.goto(url)
    open_details(page, "Peluncuran, ringkasan publik, dan foto")
    form = page.locator("#display-form")
    form.locator("#id_launch_date").fill("2022-12-15")
    form.locator("#id_launch_occasion").fill("Purbalingga Expo")
    form.locator("#id_public_summary").fill("Keluarga mengurus akta kematian di balai desa.")
    form.locator("button[type=submit]").click()
    open_details(page, "Peluncuran, ringkasan publik, dan foto")
    form = page.locator("#photo-form")
    form.locator("#id_image").set_input_files(
        {"name": "peluncuran.png", "mimeType": "image/png", "buffer": _png()}
    )
    form.locator("button[type=submit]").click()
    expect(page.locator("#display img")).to_have_count(1)

    public = new_page()
    assert public.goto(url).status == 404
    public.goto("/inovasi/")
    expect(public.locator("main")).not_to_contain_text("Akta Kematian dari Desa")

    pass_gate(coach, url, "Dokumentasi")
    public.goto(url)
    expect(public.get_by_role("heading", level=1)).to_have_text("Akta Kematian dari Desa")
    expect(public.locator("#summary")).to_contain_text("balai desa")
    expect(public.locator("#action-plan")).to_have_count(0)
    public.goto("/inovasi/")
    expect(public.locator("main")).to_contain_text("Akta Kematian dari Desa")

    # Documentation: the profile's aims, benefits and results; the last gate closes it.
    page.goto(f"{url}ubah/")
    page.locator("#id_aims").fill("Akta kematian lebih cepat.")
    page.locator("#id_benefits").fill("Keluarga tidak perlu ke kota.")
    page.locator("#id_expected_results").fill("Akta terbit dalam satu hari.")
    page.get_by_role("button", name="Simpan").click()
    pass_gate(coach, url, None)
    expect(coach.locator("#documented")).to_have_text("terdokumentasi")
    innovation.refresh_from_db()
    assert innovation.documented_at is not None
    assert list(
        innovation.gate_decisions.order_by("decided_at").values_list(
            "from_stage", "decided_by__username"
        )
    ) == [
        ("design", "demo-coach"),
        ("deliver", "demo-coach"),
        ("display", "demo-coach"),
        ("documentation", "demo-coach"),
    ]


def _png() -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 9), "#2f6f9f").save(out, "PNG")
    return out.getvalue()
