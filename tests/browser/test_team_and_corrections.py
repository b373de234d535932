"""In a real browser: a unit head gives a team member an account from the workspace, the
new member sets a password from the e-mailed link and logs in, and the team corrects a
problem it listed."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from labinov.lab.models import Enrolment
from tests.factories import PASSWORD
from tests.lab.conftest import add_problem, enrolment, programme  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_a_team_member_invited_from_the_workspace_logs_in_and_corrects_a_problem(
    page,
    new_page,
    login,
    people,
    enrolment,  # noqa: F811
):
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    problem = add_problem(enrolment, service="Akta kelahiran", description="Akta terbit 14 hari")
    workspace = f"/lab/unit/{enrolment.pk}/"

    login(page, people["unit_head"].username, PASSWORD)
    page.goto(workspace)
    page.get_by_text("Tambah anggota atau SK").click()
    team_form = page.locator("form[action$='/tim/']")
    team_form.locator("#id_name").fill("Rina Peramban")
    team_form.locator("#id_team_role").select_option("anggota")
    team_form.locator("#id_email").fill("rina.peramban@uji.invalid")
    team_form.get_by_role("button", name="Tambah anggota").click()
    expect(page.locator("#team-members")).to_contain_text("Rina Peramban")
    expect(page.locator("#team-members")).to_contain_text("rina.peramban@uji.invalid")

    # The invitation's link lets her choose a password; she then logs in and works.
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["rina.peramban@uji.invalid"]
    link = re.search(r"https?://\S+", mail.outbox[0].body).group(0)
    rina = new_page()
    rina.goto(link)
    rina.locator("input[type=password]").nth(0).fill("Sandi-Peramban-2026")
    rina.locator("input[type=password]").nth(1).fill("Sandi-Peramban-2026")
    rina.get_by_role("button", name="Simpan kata sandi").click()
    login(rina, "rina.peramban@uji.invalid", "Sandi-Peramban-2026")
    rina.goto(problem.get_absolute_url())
    rina.get_by_role("link", name="Ubah masalah").click()
    rina.fill("#id_description", "Akta terbit 14 hari dan warga datang tiga kali")
    rina.get_by_role("button", name="Simpan").click()
    expect(rina.locator(".messages")).to_contain_text("Masalah diubah")
    expect(rina.locator(".facts").first).to_contain_text("datang tiga kali")
