"""While an idea is typed on a problem page, similar knowledge-base innovations and the
near-duplicate warning show below the idea form (issue 5)."""

import pytest

from labinov.lab.models import Enrolment
from tests.lab.conftest import add_problem, enrolment, programme  # noqa: F401


@pytest.mark.django_db
def test_the_idea_form_asks_for_similar_innovations_as_it_is_typed(client_for, people, enrolment):  # noqa: F811
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    problem = add_problem(enrolment)
    page = client_for(people["unit_head"]).get(problem.get_absolute_url()).content.decode()
    form = page.split('id="idea-similar"')[0].rsplit("<form", 1)[1]
    description = form.split('<textarea name="description"')[1].split(">")[0]
    assert 'hx-get="/pustaka/serupa/"' in description
    assert 'hx-trigger="keyup changed delay:500ms"' in description
    assert 'hx-target="#idea-similar"' in description
    assert 'hx-params="title,description,region"' in description
    assert 'name="region" value="Kabupaten Uji Satu"' in form


def test_the_partial_reads_the_idea_fields_and_warns_of_a_near_duplicate(client, library):
    response = client.get(
        "/pustaka/serupa/",
        {
            "title": "Antrean pasien",
            "description": "antrean pasien menumpuk di loket pendaftaran puskesmas",
            "region": "Kabupaten Boyolali",
        },
    )
    text = response.content.decode()
    assert "Antrian Regol" in text
    assert "sudah ada di Kabupaten Boyolali" in text
    elsewhere = client.get(
        "/pustaka/serupa/",
        {"title": "Antrean pasien", "description": "menumpuk di loket", "region": "Kota Lain"},
    ).content.decode()
    assert "<li>" in elsewhere
    assert "sudah ada di" not in elsewhere


@pytest.mark.django_db
def test_a_problem_page_shows_what_other_regions_did_about_it(client_for, people, enrolment):  # noqa: F811
    from labinov.core.system import SystemActor
    from labinov.library import actions as library_actions
    from tests.library.conftest import row

    library_actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[
            row(
                "akta-elsewhere",
                name="Akta Kelahiran Langsung Jadi",
                region="Kabupaten Lain",
                problem="Pembuatan akta kelahiran butuh berhari-hari",
            ),
            row(
                "akta-here",
                name="Akta Kelahiran Bidan",
                region="Kabupaten Uji Satu",
                problem="Pembuatan akta kelahiran butuh 14 hari bagi orang tua bayi",
            ),
            row("banjir", name="Sigap Banjir", region="Kabupaten Lain", problem="banjir rob"),
        ],
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    problem = add_problem(enrolment, service="Akta kelahiran")
    page = client_for(people["coach"]).get(problem.get_absolute_url()).content.decode()
    section = page.split('aria-labelledby="similar-heading"')[1].split("</section>")[0]
    assert '<h2 id="similar-heading">' in section
    assert "Akta Kelahiran Langsung Jadi" in section and "Akta Kelahiran Bidan" in section
    assert "Sigap Banjir" not in section
    # The one from the unit's own region that matches most of the problem is flagged.
    assert "sudah ada di Kabupaten Uji Satu" in section
