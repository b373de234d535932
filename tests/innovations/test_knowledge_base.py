"""Each displayed innovation enters the knowledge base automatically (issue 5)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from labinov.core.models import AuditEvent
from labinov.lab import actions as gate_actions
from labinov.library.models import LibraryEntry
from tests.innovations.conftest import take_through


def cli_search(query):
    out = StringIO()
    call_command("search", query, "--json", stdout=out)
    return [i["source_id"] for i in json.loads(out.getvalue())]


def api_search(client, query):
    response = client.get("/api/v1/library/search", {"q": query})
    assert response.status_code == 200
    return [i["source_id"] for i in response.json()["items"]]


@pytest.mark.django_db
def test_display_publishes_the_innovation_into_the_knowledge_base(client, people, innovation):
    source_id = f"labinov-innovation-{innovation.pk}"
    take_through(innovation, "design", "deliver", decider=people["coach"])
    assert source_id not in cli_search("akta puskesmas")
    assert source_id not in api_search(client, "akta puskesmas")
    assert not LibraryEntry.objects.exists()

    take_through(innovation, "display", decider=people["coach"])

    assert cli_search("akta puskesmas") == [source_id]
    assert api_search(client, "akta kelahiran puskesmas") == [source_id]
    entry = LibraryEntry.objects.get()
    assert entry.source == LibraryEntry.Source.LOCAL
    assert entry.name == "Akta Lahir dari Puskesmas"
    assert entry.region == "Kabupaten Uji Satu"
    assert entry.agency == "Dinas Kesehatan Uji"
    assert entry.sector == "kependudukan"  # the form's "Administrasi Kependudukan", as its key
    assert entry.stage == "uji_coba"
    assert entry.form == "pelayanan_publik"
    assert entry.digital is True
    assert entry.year == innovation.published_at.year
    assert "tanpa ke kantor" in entry.solution
    assert entry.impact
    assert entry.url == f"/inovasi/{innovation.pk}/"
    events = AuditEvent.objects.filter(action__startswith="library.")
    assert list(events.values_list("action", "object_id")) == [
        ("library.entry_added", str(entry.pk))
    ]
    page = client.get(entry.get_absolute_url())
    assert "Akta Lahir dari Puskesmas" in page.content.decode()


@pytest.mark.django_db
def test_a_refused_display_gate_adds_nothing(people, innovation):
    take_through(innovation, "design", "deliver", decider=people["coach"])
    record = gate_actions.decide_gate(
        acting_user=people["coach"],
        subject=innovation,
        stage=innovation.stage,
        decision="approved",
        reason="Belum.",
    )
    assert record.decision == "refused"  # the display requirements are not met
    assert not LibraryEntry.objects.exists()


@pytest.mark.django_db
def test_the_innovation_form_shows_similar_innovations_but_not_itself(
    client_for, people, innovation
):
    from labinov.core.system import SystemActor
    from labinov.library import actions as library_actions

    take_through(innovation, "design", "deliver", "display", decider=people["coach"])
    own = LibraryEntry.objects.get(source_id=f"labinov-innovation-{innovation.pk}")
    library_actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[
            {
                "source_id": "akta-lain",
                "name": "Akta Kelahiran dari Puskesmas Lain",
                "region": "Kabupaten Lain",
                "problem": "Akta kelahiran lama terbit, orang tua bolak-balik ke kantor",
            }
        ],
    )
    other = LibraryEntry.objects.get(source_id="akta-lain")
    page = client_for(people["unit_head"]).get(f"/inovasi/{innovation.pk}/ubah/")
    assert page.status_code == 200
    section = page.content.decode().split('aria-labelledby="similar-heading"')[1]
    assert f'href="/pustaka/{other.pk}/"' in section
    assert f'href="/pustaka/{own.pk}/"' not in section
