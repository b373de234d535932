"""Stored XSS (issue 9, finding 1): an entry's text reaches the knowledge-base pages and
the API only escaped, in every mode of the list: a search, browse mode (an empty query
with a filter, or "Cari" on an empty box) and the similar-innovations partial."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.innovations import actions
from labinov.lab import actions as gate_actions
from labinov.library.models import LibraryEntry
from tests.innovations.conftest import (  # noqa: F401
    designing,
    fill_design,
    idea,
    innovation,
    take_through,
)
from tests.lab.conftest import enrolment, programme  # noqa: F401

PAYLOAD = "<img src=x onerror=\"fetch('/api/v1/tokens',{method:'POST'})\">"
ESCAPED = "&lt;img src=x onerror="


@pytest.fixture
def tasks_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def imported(client_for, people, tasks_run_at_once, django_capture_on_commit_callbacks):
    """A coordinator imports a CSV whose problem starts with markup."""
    csv = (
        "source_id,name,region,sector,problem\n"
        f'xss-1,Layanan Serangan,Kabupaten Uji,kesehatan,"{PAYLOAD.replace(chr(34), chr(34) * 2)}'
        ' antrean pasien panjang"\n'
    ).encode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people["coordinator"]).post(
            "/pustaka/impor/", {"file": SimpleUploadedFile("serangan.csv", csv, "text/csv")}
        )
    assert response.status_code in (200, 302)
    assert LibraryEntry.objects.get(source_id="xss-1").problem.startswith("<img")


def assert_escaped(html: str) -> None:
    assert "<img src=x" not in html
    assert ESCAPED in html


@pytest.mark.parametrize(
    "params",
    [
        {"q": "", "sector": "kesehatan"},  # browse mode through a filter
        {"q": ""},  # "Cari" pressed on an empty box
        {"q": "antrean pasien"},  # a search: the highlighted snippet
    ],
    ids=["browse-filter", "browse-empty", "search"],
)
def test_an_imported_problem_is_escaped_on_the_public_page(client, imported, params):
    html = client.get("/pustaka/", params).content.decode()
    assert "Layanan Serangan" in html
    assert_escaped(html)


def test_an_imported_problem_is_escaped_in_the_htmx_results(client, imported):
    html = client.get("/pustaka/", {"q": ""}, HTTP_HX_REQUEST="true").content.decode()
    assert_escaped(html)


@pytest.mark.parametrize("q", ["?", "antrean pasien"], ids=["browse", "search"])
def test_the_api_snippet_is_escaped_html(client, imported, q):
    items = client.get("/api/v1/library/search", {"q": q}).json()["items"]
    (item,) = [i for i in items if i["source_id"] == "xss-1"]
    assert "<img" not in item["snippet"]
    assert item["snippet"].startswith(ESCAPED)


def test_the_similar_partial_escapes_the_problem(client, imported):
    html = client.get("/pustaka/serupa/", {"text": "antrean pasien panjang"}).content.decode()
    assert "Layanan Serangan" in html
    assert_escaped(html)


@pytest.mark.django_db
def test_a_team_members_problem_is_escaped_once_displayed(
    client,
    people,
    innovation,  # noqa: F811
):
    """The lowest role writes the payload into the innovation's problem; it enters the
    knowledge base when the innovation is displayed."""
    fill_design(innovation)
    actions.update_innovation(  # while designing: the design is locked afterwards
        acting_user=people["team_member"],
        innovation=innovation,
        design_problem=PAYLOAD + " akta kelahiran lambat",
    )
    gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage=innovation.stage,
        decision="approved",
        reason="Lengkap.",
    )
    innovation.refresh_from_db()
    take_through(innovation, "deliver", "display", decider=people["coach"])
    assert LibraryEntry.objects.get().problem.startswith("<img")
    for params in ({"q": ""}, {"q": "akta kelahiran"}):
        assert_escaped(client.get("/pustaka/", params).content.decode())
