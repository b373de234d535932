"""The lab's pages, through HTTP, as each role sees them."""

import pytest

from labinov.core.models import AuditEvent
from labinov.lab import actions
from labinov.lab.models import Cause, Idea, LabProgramme, Problem
from tests.lab.conftest import SYSTEM, add_idea, add_problem, complete_drum_up

READERS = ["platform_admin", "coordinator", "leader", "coach", "assessor"]


@pytest.mark.django_db
def test_a_coordinator_creates_a_programme_through_the_form(client_for, people, region):
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}",
        {
            "wilayah": region.code,
            "title": "Laboratorium Inovasi Uji 2024",
            "year": 2024,
            "status": "running",
            "pact_text": "Kami berkomitmen.",
            "drum_up_start": "2024-10-12",
            "drum_up_end": "2024-10-13",
            "coaches": [people["coach"].pk],
        },
    )
    assert response.status_code == 302
    programme = LabProgramme.objects.get(title="Laboratorium Inovasi Uji 2024")
    assert list(programme.coaches.all()) == [people["coach"]]
    assert AuditEvent.objects.filter(action="lab.programme.created").exists()


@pytest.mark.django_db
def test_bad_dates_get_a_message_and_create_nothing(client_for, people, region):
    response = client_for(people["coordinator"]).post(
        f"/lab/baru/?wilayah={region.code}",
        {
            "wilayah": region.code,
            "title": "Lab Salah",
            "year": 2024,
            "status": "draft",
            "pact_text": "x",
            "drum_up_start": "2024-10-13",
            "drum_up_end": "2024-10-12",
        },
    )
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()
    assert not LabProgramme.objects.filter(title="Lab Salah").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["leader", "coach", "unit_head", "team_member"])
def test_others_may_not_create_a_programme(client_for, people, region, role):
    response = client_for(people[role]).post(
        f"/lab/baru/?wilayah={region.code}",
        {"wilayah": region.code, "title": "Lab X", "year": 2024, "status": "draft"},
    )
    assert response.status_code == 403
    assert not LabProgramme.objects.exists()


@pytest.mark.django_db
def test_a_coordinator_enrols_all_units_of_a_kind(client_for, people, programme, region, unit):
    from tests.factories import UnitFactory

    UnitFactory(region=region, name="Kecamatan Satu", kind="kecamatan")
    response = client_for(people["coordinator"]).post(
        f"/lab/{programme.pk}/daftarkan/", {"kind": "kecamatan"}
    )
    assert response.status_code == 302
    html = client_for(people["coordinator"]).get(f"/lab/{programme.pk}/").content.decode()
    assert "Kecamatan Satu" in html and "(1)" in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [(r, 200) for r in [*READERS, "unit_head", "team_member"]],
)
def test_who_reads_the_unit_workspace(client_for, people, enrolment, role, status):
    add_problem(enrolment, service="Layanan Rahasia")
    response = client_for(people[role]).get(f"/lab/unit/{enrolment.pk}/")
    assert response.status_code == status
    assert "Layanan Rahasia" in response.content.decode()


@pytest.mark.django_db
def test_a_unit_head_of_another_unit_sees_nothing_of_this_one(client_for, enrolment, region):
    from tests.conftest import _person
    from tests.factories import UnitFactory

    other = UnitFactory(region=region, name="Dinas Lain Uji")
    head = _person("unit_head", unit=other, username="kepala-lain")
    add_problem(enrolment, service="Layanan Rahasia")
    client = client_for(head)
    assert client.get(f"/lab/unit/{enrolment.pk}/").status_code == 404
    problem = enrolment.problems.get()
    assert client.get(f"/lab/masalah/{problem.pk}/").status_code == 404


@pytest.mark.django_db
def test_other_regions_users_see_nothing_non_public(client_for, outsider, programme, enrolment):
    problem = add_problem(enrolment, service="Layanan Rahasia")
    client = client_for(outsider)
    assert programme.title not in client.get("/lab/").content.decode()
    for path in (
        f"/lab/{programme.pk}/",
        f"/lab/{programme.pk}/papan/",
        f"/lab/{programme.pk}/ringkasan/",
        f"/lab/unit/{enrolment.pk}/",
        f"/lab/masalah/{problem.pk}/",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Layanan Rahasia" not in response.content.decode()


@pytest.mark.django_db
def test_a_public_programme_shows_units_but_not_their_work(client, outsider, programme, enrolment):
    LabProgramme.objects.filter(pk=programme.pk).update(is_public=True)
    problem = add_problem(enrolment, service="Layanan Rahasia")
    html = client.get(f"/lab/{programme.pk}/").content.decode()
    assert programme.title in html and enrolment.unit.name in html
    assert client.get(f"/lab/unit/{enrolment.pk}/").status_code in (302, 403)
    assert client.get(f"/lab/masalah/{problem.pk}/").status_code in (302, 403)
    from django.test import Client

    other = Client()
    other.force_login(outsider)
    assert other.get(f"/lab/unit/{enrolment.pk}/").status_code == 403
    assert other.get(f"/lab/{programme.pk}/papan/").status_code == 403


@pytest.mark.django_db
def test_the_unit_head_signs_the_pact_in_the_browser(client_for, people, enrolment):
    client = client_for(people["unit_head"])
    response = client.post(
        f"/lab/unit/{enrolment.pk}/pakta/", {"signer_name": "dr. Sri", "signer_position": "Kepala"}
    )
    assert response.status_code == 302
    assert "dr. Sri" in client.get(f"/lab/unit/{enrolment.pk}/").content.decode()


@pytest.mark.django_db
def test_a_team_member_may_not_sign_the_pact(client_for, people, enrolment):
    response = client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/pakta/", {"signer_name": "x", "signer_position": "y"}
    )
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action="lab.pact.signed").exists()


@pytest.mark.django_db
def test_the_coach_sees_a_refusal_listing_the_missing_items(client_for, people, enrolment):
    client = client_for(people["coach"])
    response = client.post(
        f"/lab/unit/{enrolment.pk}/gerbang/",
        {"stage": "drum_up", "decision": "approved", "reason": "Cek"},
        follow=True,
    )
    html = response.content.decode()
    assert "Gerbang ditolak: hal-hal berikut belum ada" in html
    assert "Kepala unit sudah menandatangani Pakta Inovasi" in html
    assert "SK Tim sudah dicatat" in html
    enrolment.refresh_from_db()
    assert enrolment.stage == "drum_up"
    assert AuditEvent.objects.filter(action="lab.gate.refused").exists()


@pytest.mark.django_db
def test_the_coach_passes_the_gate_when_complete(client_for, people, enrolment):
    complete_drum_up(enrolment)
    response = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/gerbang/",
        {"stage": "drum_up", "decision": "approved", "reason": "Lengkap"},
    )
    assert response.status_code == 302
    enrolment.refresh_from_db()
    assert enrolment.stage == "diagnose"


@pytest.mark.django_db
def test_a_decision_without_reason_gets_a_message(client_for, people, enrolment):
    complete_drum_up(enrolment)
    response = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/gerbang/",
        {"stage": "drum_up", "decision": "approved", "reason": ""},
    )
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    enrolment.refresh_from_db()
    assert enrolment.stage == "drum_up"


@pytest.mark.django_db
def test_causes_are_added_and_removed_with_htmx(client_for, people, enrolment):
    problem = add_problem(enrolment)
    client = client_for(people["team_member"])
    response = client.post(
        f"/lab/masalah/{problem.pk}/penyebab/",
        {"category": "metode", "text": "Verifikasi berkas manual"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Verifikasi berkas manual" in html
    cause = Cause.objects.get()
    response = client.post(f"/lab/penyebab/{cause.pk}/hapus/", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Verifikasi berkas manual" not in html.split('class="causes"', 1)[1]
    assert "Penyebab “Verifikasi berkas manual” dihapus." in html and "Batalkan" in html
    assert not Cause.objects.exists()


@pytest.mark.django_db
def test_a_removed_cause_can_be_restored_once(client_for, people, enrolment, outsider):
    problem = add_problem(enrolment)
    client = client_for(people["team_member"])
    client.post(f"/lab/masalah/{problem.pk}/penyebab/", {"category": "metode", "text": "Manual"})
    cause = Cause.objects.get()
    # Without JavaScript: the page comes back with the offer to undo.
    response = client.post(f"/lab/penyebab/{cause.pk}/hapus/")
    assert response.status_code == 302 and "?dihapus=" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "Penyebab “Manual” dihapus." in page
    removal = response["Location"].split("dihapus=")[1].split("#")[0]
    url = f"/lab/masalah/{problem.pk}/penyebab/pulihkan/"
    assert client_for(outsider).post(url, {"removal": removal}).status_code == 404
    assert not Cause.objects.exists()
    assert client.post(url, {"removal": removal}).status_code == 302
    restored = Cause.objects.get()
    assert (restored.category, restored.text) == ("metode", "Manual")
    assert AuditEvent.objects.filter(action="lab.cause.restored").count() == 1
    # Once: a second undo is refused and changes nothing; the page no longer offers it.
    again = client.post(url, {"removal": removal})
    assert again.status_code == 400
    assert "tidak dapat dibatalkan" in again.content.decode()
    assert Cause.objects.count() == 1
    page = client.get(f"/lab/masalah/{problem.pk}/?dihapus={removal}").content.decode()
    assert "Batalkan" not in page
    # A made-up or foreign removal id offers nothing and restores nothing.
    assert client.post(url, {"removal": "x"}).status_code == 400
    assert Cause.objects.count() == 1


@pytest.mark.django_db
def test_an_empty_cause_gets_a_message_in_the_fragment(client_for, people, enrolment):
    problem = add_problem(enrolment)
    response = client_for(people["team_member"]).post(
        f"/lab/masalah/{problem.pk}/penyebab/",
        {"category": "metode", "text": ""},
        HTTP_HX_REQUEST="true",
    )
    assert 'class="error"' in response.content.decode()
    assert not Cause.objects.exists()


@pytest.mark.django_db
def test_a_coach_may_not_edit_causes(client_for, people, enrolment):
    problem = add_problem(enrolment)
    response = client_for(people["coach"]).post(
        f"/lab/masalah/{problem.pk}/penyebab/", {"category": "metode", "text": "x"}
    )
    assert response.status_code == 403


@pytest.mark.django_db
def test_team_members_score_usg_and_the_ranking_shows(client_for, people, enrolment):
    problem = add_problem(enrolment)
    client = client_for(people["team_member"])
    response = client.post(
        f"/lab/masalah/{problem.pk}/usg/", {"urgency": 5, "seriousness": 4, "growth": 3}
    )
    assert response.status_code == 302
    html = client.get(f"/lab/unit/{enrolment.pk}/").content.decode()
    assert "<strong>12,0</strong>" in html  # Indonesian decimal comma


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [(r, 200) for r in READERS] + [("unit_head", 403)])
def test_who_sees_the_board_and_the_leader_view(
    client_for, people, programme, enrolment, role, status
):
    complete_drum_up(enrolment)
    for path in (f"/lab/{programme.pk}/papan/", f"/lab/{programme.pk}/ringkasan/"):
        response = client_for(people[role]).get(path)
        assert response.status_code == status, path
        if status == 200:
            assert enrolment.unit.name in response.content.decode()


@pytest.mark.django_db
def test_comments_on_a_problem_show_on_its_page(client_for, people, enrolment):
    problem = add_problem(enrolment)
    client = client_for(people["coach"])
    response = client.post(
        f"/lab/unit/{enrolment.pk}/komentar/",
        {
            "target": f"problem:{problem.pk}",
            "text": "Tambahkan data keluhan",
            "next": f"/lab/masalah/{problem.pk}/",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/lab/masalah/{problem.pk}/"
    assert "Tambahkan data keluhan" in client.get(f"/lab/masalah/{problem.pk}/").content.decode()


@pytest.mark.django_db
def test_a_comment_on_another_units_artefact_is_refused(client_for, people, enrolment, region):
    from tests.factories import UnitFactory

    other = actions.enrol_units(
        acting_user=SYSTEM,
        programme=enrolment.programme,
        units=[UnitFactory(region=region, name="Dinas Lain")],
    )[0]
    foreign = add_problem(other)
    client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/komentar/", {"target": f"problem:{foreign.pk}", "text": "x"}
    )
    assert not AuditEvent.objects.filter(action="lab.comment.added").exists()


@pytest.mark.django_db
def test_the_stage_guidance_is_shown(client):
    html = client.get("/lab/tahapan/").content.decode()
    assert "Pakta Inovasi" in html and "PP 38/2017" in html


@pytest.mark.django_db
def test_the_menu_leads_to_the_laboratory_and_the_region_page_links_it(client, region):
    html = client.get(f"/wilayah/{region.code}/").content.decode()
    assert ">Laboratorium<" in html
    assert f"/lab/?wilayah={region.code}" in html


@pytest.mark.django_db
def test_a_coordinator_invites_the_head_of_an_enrolled_unit(
    client_for, people, programme, enrolment, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["coordinator"]).post(
            f"/lab/{programme.pk}/undang/",
            {"enrolment": enrolment.pk, "first_name": "Sri", "email": "sri@uji.invalid"},
            follow=True,
        )
    assert "sri@uji.invalid" in response.content.decode()
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["sri@uji.invalid"]
    assert AuditEvent.objects.filter(action="role.assigned", unit=enrolment.unit).exists()


@pytest.mark.django_db
def test_the_readiness_form_scores_and_the_board_shows_it(client_for, people, programme, enrolment):
    from labinov.lab import readiness

    answers = {q["key"]: 2 for q in readiness.questionnaire()["questions"]}
    response = client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/kesiapan/", answers
    )
    assert response.status_code == 302
    html = client_for(people["coach"]).get(f"/lab/{programme.pk}/papan/").content.decode()
    assert "16/32" in html


@pytest.mark.django_db
def test_an_incomplete_readiness_form_gets_a_message(client_for, people, enrolment):
    response = client_for(people["team_member"]).post(
        f"/lab/unit/{enrolment.pk}/kesiapan/", {"sdm": 2}
    )
    assert response.status_code == 400 and 'class="error"' in response.content.decode()
    assert not AuditEvent.objects.filter(action="lab.readiness.submitted").exists()


def _problem_post(problem, **changes):
    """What the problem's form sends back, with the changes the person typed."""
    data = {
        "service": problem.service,
        "description": problem.description,
        "affected": problem.affected,
        "evidence_text": problem.evidence_text,
        "evidence_link": problem.evidence_link,
    }
    for name in (
        "baseline_days",
        "baseline_cost",
        "baseline_steps",
        "baseline_requirements",
        "baseline_complaints",
        "baseline_satisfaction",
    ):
        value = getattr(problem, name)
        data[name] = "" if value is None else str(value)
    return data | changes


def _idea_post(idea, **changes):
    data = {"title": idea.title, "description": idea.description}
    for c in idea.criteria:
        if c["met"]:
            data[c["key"]] = "on"
        data[f"{c['key']}_note"] = c["note"]
    return data | changes


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["unit_head", "team_member"])
def test_the_units_team_changes_a_problem_and_an_idea(client_for, people, enrolment, role):
    problem = Problem.objects.get(pk=add_problem(enrolment, service="Akta kelahrian").pk)
    idea = add_idea(problem, people["unit_head"], title="Akta darign")
    client = client_for(people[role])
    page = client.get(f"/lab/masalah/{problem.pk}/").content.decode()
    assert f'href="/lab/masalah/{problem.pk}/ubah/"' in page
    assert f'href="/lab/gagasan/{idea.pk}/ubah/"' in page

    form = client.get(f"/lab/masalah/{problem.pk}/ubah/").content.decode()
    assert "Ubah masalah" in form and 'value="Akta kelahrian"' in form
    response = client.post(
        f"/lab/masalah/{problem.pk}/ubah/",
        _problem_post(problem, service="Akta kelahiran"),
        follow=True,
    )
    assert response.redirect_chain == [(f"/lab/masalah/{problem.pk}/", 302)]
    assert "Masalah diubah." in response.content.decode()
    assert Problem.objects.get(pk=problem.pk).service == "Akta kelahiran"

    form = client.get(f"/lab/gagasan/{idea.pk}/ubah/").content.decode()
    assert "Ubah gagasan" in form and 'value="Akta darign"' in form
    response = client.post(
        f"/lab/gagasan/{idea.pk}/ubah/", _idea_post(idea, title="Akta daring"), follow=True
    )
    assert response.redirect_chain == [(f"/lab/masalah/{problem.pk}/", 302)]
    assert "Gagasan diubah." in response.content.decode()
    assert Idea.objects.get(pk=idea.pk).title == "Akta daring"

    events = AuditEvent.objects.filter(action__in=["lab.problem.updated", "lab.idea.updated"])
    assert [(e.action, e.actor, e.details) for e in events.order_by("id")] == [
        (
            "lab.problem.updated",
            people[role],
            {"changed": {"service": ["Akta kelahrian", "Akta kelahiran"]}},
        ),
        ("lab.idea.updated", people[role], {"changed": {"title": ["Akta darign", "Akta daring"]}}),
    ]


def _head_of_another_unit(region):
    from tests.conftest import _person
    from tests.factories import UnitFactory

    return _person("unit_head", unit=UnitFactory(region=region, name="Dinas Lain Uji"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("coach", 403),
        ("leader", 403),
        ("coordinator", 403),
        ("another_units_head", 404),
        ("outsider", 404),
        ("anonymous", 302),  # to the login page
    ],
)
def test_others_may_not_change_a_problem_or_an_idea(
    client_for, people, outsider, enrolment, region, who, status
):
    problem = add_problem(enrolment)
    idea = add_idea(problem, people["unit_head"])
    user = {
        "another_units_head": lambda: _head_of_another_unit(region),
        "outsider": lambda: outsider,
        "anonymous": lambda: None,
    }.get(who, lambda: people[who])()
    client = client_for(user)
    if who in ("coach", "leader", "coordinator"):  # they read the problem, without the links
        page = client.get(f"/lab/masalah/{problem.pk}/").content.decode()
        assert problem.service in page
        assert "/ubah/" not in page
    for path, data in (
        (f"/lab/masalah/{problem.pk}/ubah/", _problem_post(problem, service="Diubah")),
        (f"/lab/gagasan/{idea.pk}/ubah/", _idea_post(idea, title="Diubah")),
    ):
        assert client.get(path).status_code == status, path
        assert client.post(path, data).status_code == status, path
    assert Problem.objects.get(pk=problem.pk).service == "Akta kelahiran"
    assert Idea.objects.get(pk=idea.pk).title == "Akta daring"
    assert not AuditEvent.objects.filter(
        action__in=["lab.problem.updated", "lab.idea.updated"]
    ).exists()


def _field_block(response, name):
    """The form's block of one field, marked as in error, with its messages."""
    html = response.content.decode()
    start = html.index(f'<div class="field has-error">\n  <label for="id_{name}">')
    return html[start : html.index("</div>", start)]


@pytest.mark.django_db
def test_an_emptied_required_field_gets_a_message_and_changes_nothing(
    client_for, people, enrolment
):
    problem = Problem.objects.get(pk=add_problem(enrolment).pk)
    idea = add_idea(problem, people["unit_head"])
    client = client_for(people["team_member"])
    response = client.post(
        f"/lab/masalah/{problem.pk}/ubah/",
        _problem_post(problem, affected="  ", description="Diubah"),
    )
    assert response.status_code == 200
    assert 'role="alert"' in _field_block(response, "affected")
    response = client.post(f"/lab/gagasan/{idea.pk}/ubah/", _idea_post(idea, title=""))
    assert response.status_code == 200
    assert 'role="alert"' in _field_block(response, "title")
    assert Problem.objects.get(pk=problem.pk).description == "Pembuatan akta butuh 14 hari"
    assert Idea.objects.get(pk=idea.pk).title == "Akta daring"
    assert not AuditEvent.objects.filter(
        action__in=["lab.problem.updated", "lab.idea.updated"]
    ).exists()


@pytest.mark.django_db
def test_saving_the_forms_unchanged_records_nothing(client_for, people, enrolment):
    problem = Problem.objects.get(pk=add_problem(enrolment, baseline_satisfaction=72.5).pk)
    idea = add_idea(problem, people["unit_head"], benefits=True, benefits_note="Cepat")
    client = client_for(people["unit_head"])
    response = client.post(f"/lab/masalah/{problem.pk}/ubah/", _problem_post(problem))
    assert response.status_code == 302
    response = client.post(f"/lab/gagasan/{idea.pk}/ubah/", _idea_post(idea))
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(
        action__in=["lab.problem.updated", "lab.idea.updated"]
    ).exists()


# The innovation team and its accounts ------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("target", ["", "problem"])
@pytest.mark.parametrize(
    "next_url", ["https://evil.example/login", "//evil.example/", "/\\evil.example/"]
)
def test_a_comment_never_redirects_to_another_site(client_for, people, enrolment, target, next_url):
    """Issue 9, finding 10: ``next`` after a comment (written or refused) was followed
    anywhere, so a crafted form sent people from our site to another."""
    problem = add_problem(enrolment)
    response = client_for(people["coach"]).post(
        f"/lab/unit/{enrolment.pk}/komentar/",
        {
            "target": f"problem:{problem.pk}" if target else "",
            "text": "Catatan",
            "next": next_url,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == enrolment.get_absolute_url()
