import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from labinov.core.models import AuditEvent
from labinov.library.models import ImportRun, LibraryEntry

GOOD = b"source_id,name,region,problem\nweb-1,Antrean Daring,Kabupaten Uji,antrean pasien panjang\n"
BAD_YEAR = b"source_id,name,region,year\nweb-1,Baik,Kabupaten Uji,2020\nweb-2,,Kabupaten Uji,20x\n"


@pytest.fixture
def tasks_run_at_once(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path


def upload(client, content, name="inovasi.csv", **extra):
    return client.post(
        "/pustaka/impor/", {"file": SimpleUploadedFile(name, content, "text/csv"), **extra}
    )


def test_the_search_page_is_public_and_indonesian(client, library):
    response = client.get("/pustaka/", {"q": "akta kelahiran"})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Bank pengetahuan inovasi" in text
    assert "inovasi ditemukan" in text
    assert "<mark>" in text
    assert "Lahir Procot Pulang Bawa Akta" in text


def test_the_search_page_filters_by_facet(client, library):
    text = client.get("/pustaka/", {"q": "akta", "province": "Jawa Timur"}).content.decode()
    assert "Kabupaten Banyuwangi" in text
    assert "Kabupaten Natuna" not in text


def test_the_search_page_answers_htmx_with_the_results_only(client, library):
    response = client.get("/pustaka/", {"q": "stunting"}, HTTP_HX_REQUEST="true")
    assert "<html" not in response.content.decode()
    assert "inovasi ditemukan" in response.content.decode()


def test_an_entry_page_shows_the_record_and_similar_ones(client, library):
    entry = LibraryEntry.objects.get(source_id="smart-kampung-banyuwangi")
    text = client.get(entry.get_absolute_url()).content.decode()
    assert "Smart Kampung" in text and "Masalah" in text and "Inovasi serupa" in text


def test_the_similar_partial_warns_of_a_near_duplicate_in_the_region(client, library):
    response = client.get(
        "/pustaka/serupa/",
        {
            "text": "antrean pasien menumpuk di loket pendaftaran puskesmas",
            "region": "Kabupaten Boyolali",
        },
    )
    text = response.content.decode()
    assert "Antrian Regol" in text
    assert "sudah ada di Kabupaten Boyolali" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("platform_admin", True),
        ("coordinator", True),
        ("leader", False),
        ("coach", False),
        ("assessor", False),
        ("unit_head", False),
        ("team_member", False),
    ],
)
def test_who_may_import_from_the_browser(
    people, client_for, role, allowed, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client = client_for(people[role])
    assert client.get("/pustaka/impor/").status_code == (200 if allowed else 403)
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)
    assert response.status_code == (302 if allowed else 403)
    assert LibraryEntry.objects.filter(source_id="web-1").exists() == allowed
    # Starting the import is an action of its own, audited with the file's name.
    started = AuditEvent.objects.filter(action="library.import_started")
    assert started.exists() == allowed
    assert ImportRun.objects.exists() == allowed
    if allowed:
        assert started.get().details["file"] == "inovasi.csv"


@pytest.mark.django_db
def test_anonymous_people_are_sent_to_log_in(client):
    response = upload(client, GOOD)
    assert response.status_code == 302 and "/akun/" in response["Location"]
    assert not ImportRun.objects.exists()


@pytest.mark.django_db
def test_a_browser_import_runs_in_the_background_and_shows_its_outcome(
    people, client_for, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client = client_for(people["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, GOOD)
    page = client.get(response["Location"]).content.decode()
    assert "Selesai" in page and "1 ditambahkan" in page
    assert AuditEvent.objects.filter(action="library.import").count() == 1
    assert 'hx-trigger="every 1s"' not in page


@pytest.mark.django_db
def test_a_bad_file_through_the_browser_changes_nothing_and_lists_every_bad_row(
    people, client_for, tasks_run_at_once, django_capture_on_commit_callbacks
):
    client = client_for(people["platform_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, BAD_YEAR)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.REJECTED
    assert {(p["row"], p["column"]) for p in run.problems} == {(3, "name"), (3, "year")}
    assert not LibraryEntry.objects.exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ditolak" in page and "tidak ada yang diimpor" in page
    assert "wajib diisi, tetapi kosong" in page


@pytest.mark.django_db
def test_while_waiting_the_page_polls_for_progress(people, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    client = client_for(people["coordinator"])
    response = upload(client, GOOD)
    page = client.get(response["Location"]).content.decode()
    assert "Menunggu" in page and 'hx-trigger="every 1s"' in page
    partial = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and "import-status" in partial


@pytest.mark.django_db
def test_one_person_does_not_see_anothers_import(people, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    response = upload(client_for(people["coordinator"]), GOOD)
    other = client_for(people["leader"])
    assert other.get(response["Location"]).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_database_task_backend_runs_a_browser_import_in_a_worker(
    people, client_for, settings, tmp_path
):
    from django.core.management import call_command

    settings.MEDIA_ROOT = tmp_path
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    client = client_for(people["coordinator"])
    upload(client, GOOD)
    assert ImportRun.objects.get().status == ImportRun.Status.WAITING
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.DONE, run.message
    assert LibraryEntry.objects.filter(source_id="web-1").exists()
