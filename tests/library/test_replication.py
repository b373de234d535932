"""Replication, "Amati, Tiru, Modifikasi" (issue 5): from a knowledge-base entry a team
starts an innovation in its own unit, linked to its source."""

import datetime

import pytest

from labinov.core.errors import NotAllowed
from labinov.core.models import AuditEvent
from labinov.core.system import SystemActor
from labinov.innovations.actions.replication import replicate_entry
from labinov.innovations.models import Innovation
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment, LabProgramme
from labinov.library import actions
from labinov.library.models import LibraryEntry, Replication
from tests.factories import programme_with_plan
from tests.innovations.conftest import designing, take_through  # noqa: F401
from tests.lab.conftest import enrolment, programme  # noqa: F401
from tests.library.conftest import row
from tests.regions.test_api import bearer

SYSTEM = SystemActor("uji")
TEXTS = {
    "observed": "Akta terbit di puskesmas tempat bayi lahir.",
    "imitated": "Petugas Dukcapil ditempatkan di puskesmas.",
    "modified": "Di daerah kami, bidan desa juga menerima berkas.",
}


@pytest.fixture
def entry(db):
    actions.import_entries(
        acting_user=SYSTEM,
        rows=[
            row(
                "src-1",
                name="Akta Lahir di Puskesmas",
                region="Kota Sumber",
                province="Jawa Tengah",
                agency="Dinas Dukcapil Kota Sumber",
                form="pelayanan_publik",
                digital=False,
                sector="administrasi_kependudukan",
                problem="Orang tua harus datang ke kantor Dukcapil untuk akta kelahiran.",
                solution="Akta kelahiran diterbitkan langsung di puskesmas.",
            )
        ],
    )
    return LibraryEntry.objects.get(source_id="src-1")


@pytest.fixture
def elsewhere(other_region, other_unit):
    """The other region's unit, enrolled and past diagnose."""
    other = programme_with_plan(
        region=other_region,
        title="Laboratorium Inovasi Lain 2023",
        year=2023,
        plan={
            "drum_up": (datetime.date(2023, 1, 2), datetime.date(2023, 1, 3)),
            "diagnose": (datetime.date(2023, 1, 4), datetime.date(2023, 1, 5)),
        },
    )
    enrolled = lab_actions.enrol_units(acting_user=SYSTEM, programme=other, units=[other_unit])[0]
    Enrolment.objects.filter(pk=enrolled.pk).update(stage="design")
    enrolled.refresh_from_db()
    return enrolled


def form_data(enrolment, **extra):  # noqa: F811
    return {"enrolment": enrolment.pk, "name": "Akta Lahir dari Bidan Desa", **TEXTS, **extra}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("platform_admin", True),
        ("coordinator", True),
        ("unit_head", True),
        ("team_member", True),
        ("leader", False),
        ("coach", False),
        ("assessor", False),
    ],
)
def test_who_may_replicate_into_the_unit(client_for, people, entry, designing, role, allowed):  # noqa: F811
    client = client_for(people[role])
    page = client.get(f"/pustaka/{entry.pk}/")
    assert ("Tiru di unit saya" in page.content.decode()) is allowed
    response = client.post(f"/pustaka/{entry.pk}/tiru/", form_data(designing))
    if allowed:
        replication = Replication.objects.get()
        assert response.status_code == 302
        assert response["Location"] == replication.innovation.get_absolute_url()
        assert replication.innovation.enrolment == designing
        assert replication.created_by == people[role]
    else:
        assert response.status_code == 403
        assert not Replication.objects.exists()
        assert not Innovation.objects.exists()
    entry.refresh_from_db()
    assert entry.replication_count == (1 if allowed else 0)


@pytest.mark.django_db
def test_an_outsider_may_not_replicate_into_another_regions_unit(
    client_for,
    outsider,
    entry,
    designing,  # noqa: F811
    elsewhere,
):
    with pytest.raises(NotAllowed):
        replicate_entry(acting_user=outsider, entry=entry, enrolment=designing, **TEXTS)
    client = client_for(outsider)
    response = client.post(f"/pustaka/{entry.pk}/tiru/", form_data(designing))
    assert response.status_code == 400  # the foreign unit is not a choice of the form
    assert "Masukkan pilihan yang valid" in response.content.decode()
    assert not Replication.objects.exists()
    response = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        {"enrolment_id": designing.pk, **TEXTS},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not Innovation.objects.exists()


@pytest.mark.django_db
def test_anonymous_is_sent_to_log_in(client, entry):
    response = client.get(f"/pustaka/{entry.pk}/tiru/")
    assert response.status_code == 302 and "/akun/" in response["Location"]
    api = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        {"enrolment_id": 1, **TEXTS},
        content_type="application/json",
    )
    assert api.status_code == 401


@pytest.mark.django_db
def test_a_unit_before_diagnose_may_not_replicate(people, entry, enrolment):  # noqa: F811
    from labinov.core.errors import ActionError

    with pytest.raises(ActionError) as exc:
        replicate_entry(acting_user=people["unit_head"], entry=entry, enrolment=enrolment, **TEXTS)
    assert exc.value.field == "enrolment"
    assert not Innovation.objects.exists()


@pytest.mark.django_db
def test_what_was_modified_is_required(client_for, people, entry, designing):  # noqa: F811
    client = client_for(people["unit_head"])
    response = client.post(f"/pustaka/{entry.pk}/tiru/", form_data(designing, modified="  "))
    assert response.status_code == 400
    assert "Kolom ini wajib diisi" in response.content.decode()
    api = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        {"enrolment_id": designing.pk, **TEXTS, "modified": ""},
        content_type="application/json",
    )
    assert api.status_code in (400, 422)
    body = api.json()
    assert "modifikasi" in body["message"]
    assert not Replication.objects.exists()
    assert not Innovation.objects.exists()
    entry.refresh_from_db()
    assert entry.replication_count == 0
    assert not AuditEvent.objects.filter(action="library.replicated").exists()


@pytest.mark.django_db
def test_a_replication_is_prefilled_linked_and_shown_on_both_ends(
    client_for,
    people,
    entry,
    designing,  # noqa: F811
):
    client = client_for(people["team_member"])
    form = client.get(f"/pustaka/{entry.pk}/tiru/").content.decode()
    assert 'value="Akta Lahir di Puskesmas"' in form
    client.post(f"/pustaka/{entry.pk}/tiru/", form_data(designing))
    innovation = Innovation.objects.get()
    assert innovation.idea is None
    assert innovation.design_problem == entry.problem
    assert innovation.design_method == entry.solution
    assert innovation.kind == Innovation.Kind.NON_DIGITAL
    assert innovation.affairs == "Administrasi kependudukan"  # the sector, as people read it
    events = AuditEvent.objects.filter(action="library.replicated")
    assert events.count() == 1
    # The innovation itself is created by the innovations' one writer, with its event.
    created = AuditEvent.objects.get(action="innovations.innovation.created")
    assert created.details["replication_of"] == entry.pk
    page = client.get(innovation.get_absolute_url()).content.decode()
    assert "Direplikasi dari" in page
    assert f'href="/pustaka/{entry.pk}/"' in page
    assert TEXTS["modified"] in page
    source = client_for(None).get(f"/pustaka/{entry.pk}/").content.decode()
    assert "Direplikasi 1 kali" in source
    assert "Akta Lahir dari Bidan Desa" in source
    # Not published yet: the public sees the name, not a link to a page it may not read.
    assert f'href="{innovation.get_absolute_url()}"' not in source
    team = client.get(f"/pustaka/{entry.pk}/").content.decode()
    assert f'href="{innovation.get_absolute_url()}">Akta Lahir dari Bidan Desa' in team
    assert "Dinas Kesehatan Uji, Kabupaten Uji Satu" in source


@pytest.mark.django_db
def test_the_api_replicates_and_the_entry_lists_its_replications(
    client_for,
    people,
    entry,
    designing,  # noqa: F811
):
    client = client_for(people["unit_head"])
    response = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        {"enrolment_id": designing.pk, **TEXTS},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["source_entry_id"] == entry.pk
    assert made["innovation_name"] == "Akta Lahir di Puskesmas"
    assert made["unit"] == "Dinas Kesehatan Uji"
    detail = client_for(None).get(f"/api/v1/library/{entry.pk}").json()
    assert detail["replication_count"] == 1
    assert [r["innovation_id"] for r in detail["replications"]] == [made["innovation_id"]]
    assert detail["replications"][0]["region"] == "Kabupaten Uji Satu"
    unknown = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        {"enrolment_id": 999999, **TEXTS},
        content_type="application/json",
    )
    assert unknown.status_code in (400, 422)
    assert (
        client.post(
            "/api/v1/library/999999/replicate",
            {"enrolment_id": designing.pk, **TEXTS},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Replication.objects.count() == 1


@pytest.mark.django_db
def test_the_lineage_follows_replications_across_regions(
    client_for,
    people,
    outsider,
    entry,
    designing,  # noqa: F811
    elsewhere,
):
    first = replicate_entry(
        acting_user=people["unit_head"], entry=entry, enrolment=designing, **TEXTS
    ).innovation
    take_through(first, "design", "deliver", "display", decider=people["coach"])
    published = LibraryEntry.objects.get(source_id=f"labinov-innovation-{first.pk}")
    second = replicate_entry(
        acting_user=outsider,
        entry=published,
        enrolment=elsewhere,
        name="Akta Lahir Kota Uji Dua",
        **TEXTS,
    ).innovation
    take_through(second, "design", "deliver", "display", decider=SYSTEM)
    latest = LibraryEntry.objects.get(source_id=f"labinov-innovation-{second.pk}")

    page = client_for(None).get(f"/pustaka/{latest.pk}/").content.decode()
    lineage = page.split('class="lineage"')[1].split("</ol>")[0]
    assert lineage.index(f"/pustaka/{published.pk}/") < lineage.index(f"/pustaka/{entry.pk}/")
    assert "Dinas Kesehatan Lain (Kota Uji Dua)" in lineage
    assert "Dinas Kesehatan Uji (Kabupaten Uji Satu)" in lineage
    published.refresh_from_db()
    entry.refresh_from_db()
    assert (entry.replication_count, published.replication_count) == (1, 1)


@pytest.mark.django_db
def test_the_current_programme_is_offered_first(client_for, people, region, unit, entry, designing):  # noqa: F811
    # The unit took part in a closed 2022 programme (``designing``) and now in a running one.
    LabProgramme.objects.filter(pk=designing.programme_id).update(status="closed")
    current = LabProgramme.objects.create(
        region=region, title="Laboratorium Inovasi Uji 2026", year=2026, status="running"
    )
    now = lab_actions.enrol_units(acting_user=SYSTEM, programme=current, units=[unit])[0]
    Enrolment.objects.filter(pk=now.pk).update(stage=designing.stage)
    page = client_for(people["unit_head"]).get(f"/pustaka/{entry.pk}/tiru/").content.decode()
    selected = page.split(" selected>")[0].rsplit("<option", 1)[1]
    assert f'value="{now.pk}"' in selected
    assert "Laboratorium Inovasi Uji 2026" in page.split(" selected>")[1].split("</option>")[0]


@pytest.mark.django_db
def test_a_unit_is_warned_before_it_replicates_the_same_entry_again(
    client,
    client_for,
    people,
    entry,
    designing,  # noqa: F811
):
    browser = client_for(people["team_member"])
    assert browser.post(f"/pustaka/{entry.pk}/tiru/", form_data(designing)).status_code == 302
    page = browser.get(f"/pustaka/{entry.pk}/tiru/").content.decode()
    assert "Unit Anda sudah mereplikasi inovasi ini" in page

    again = browser.post(
        f"/pustaka/{entry.pk}/tiru/", form_data(designing, name="Akta Lahir Kedua")
    )
    assert again.status_code == 400
    assert "sudah mereplikasi inovasi ini sebagai “Akta Lahir dari Bidan Desa”" in (
        again.content.decode()
    )
    assert Replication.objects.count() == 1
    # Through the API the same: refused naming the field, nothing created.
    token_headers = bearer(people["team_member"])
    payload = {"enrolment_id": designing.pk, **TEXTS}
    refused = client.post(
        f"/api/v1/library/{entry.pk}/replicate",
        payload,
        content_type="application/json",
        **token_headers,
    )
    assert refused.status_code == 400, refused.content
    assert refused.json()["errors"][0]["field"] == "again"
    assert Replication.objects.count() == 1
    # Confirmed, a second innovation is started.
    confirmed = browser.post(
        f"/pustaka/{entry.pk}/tiru/", form_data(designing, name="Akta Lahir Kedua", again="on")
    )
    assert confirmed.status_code == 302
    assert Replication.objects.count() == 2
    entry.refresh_from_db()
    assert entry.replication_count == 2
