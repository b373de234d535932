"""Harvesting another installation's feed into the knowledge base: origins kept, updates
and withdrawals followed, idempotent, and a broken, hostile, oversized or slow feed
refused with its errors and nothing changed."""

import json

import pytest

from labinov.core.errors import NotAllowed
from labinov.core.models import AuditEvent
from labinov.library.models import LibraryEntry
from labinov.opendata import actions
from labinov.opendata.models import Feed
from tests.opendata.feeds import FeedServer, item, slow, withdrawn

T1, T2, T3 = "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z", "2026-01-03T00:00:00Z"


@pytest.fixture
def server():
    made = FeedServer()
    yield made
    made.close()


@pytest.fixture
def feed(people, server):
    return actions.register_feed(
        acting_user=people["platform_admin"], url=server.url, name="Labinov Kabupaten Asal"
    )


def harvest(feed, people):
    return actions.harvest_feed(acting_user=people["platform_admin"], feed=feed)


def snapshot():
    return sorted(
        LibraryEntry.objects.values_list("source", "source_id", "name", "region", "updated_at")
    )


@pytest.mark.django_db
def test_registering_a_feed_takes_the_installation_address(people, server, feed):
    assert feed.url == f"{server.url}/api/v1/open/innovations"
    assert feed.source_key == f"asal-{feed.pk}"
    with pytest.raises(NotAllowed):
        actions.register_feed(acting_user=people["coordinator"], url="https://contoh.go.id")
    from labinov.core.errors import ActionError

    with pytest.raises(ActionError):
        actions.register_feed(acting_user=people["platform_admin"], url="javascript:alert(1)")
    with pytest.raises(ActionError):
        actions.register_feed(acting_user=people["platform_admin"], url=server.url + "/")


@pytest.mark.django_db
def test_harvest_keeps_the_origin_follows_changes_and_is_idempotent(client, people, server, feed):
    server.items = [
        item("labinov-innovation-1", "Antrean Daring Puskesmas", T1),
        item("labinov-innovation-2", "Posyandu Keliling", T1),
    ]
    done = harvest(feed, people)
    assert done.status == Feed.Status.DONE, done.message
    assert "2 ditambahkan" in done.message or "2 added" in done.message
    entries = LibraryEntry.objects.filter(source=feed.source_key)
    assert entries.count() == 2
    assert set(entries.values_list("region", flat=True)) == {"Kabupaten Asal"}

    # Harvesting again changes nothing.
    before, events = snapshot(), AuditEvent.objects.filter(action="library.import").count()
    again = harvest(feed, people)
    assert again.status == Feed.Status.DONE
    assert snapshot() == before
    assert AuditEvent.objects.filter(action="library.import").count() == events
    assert server.requests[-1].endswith("since=2026-01-01T00%3A00%3A00Z")

    # The origin updates one and withdraws the other: this knowledge base follows.
    server.items = [
        item("labinov-innovation-1", "Antrean Daring Puskesmas Plus", T2),
        withdrawn("labinov-innovation-2", T3),
    ]
    harvest(feed, people)
    assert list(entries.values_list("source_id", "name")) == [
        ("labinov-innovation-1", "Antrean Daring Puskesmas Plus")
    ]
    before = snapshot()
    harvest(feed, people)
    assert snapshot() == before

    # Searches filter by origin.
    LibraryEntry.objects.create(source="impor", source_id="x-1", name="Antrean Lain", region="R")
    found = client.get("/api/v1/library", {"source": feed.source_key}).json()
    assert [i["source_id"] for i in found["items"]] == ["labinov-innovation-1"]
    search = client.get("/api/v1/library/search", {"q": "antrean", "source": feed.source_key})
    assert [i["source_id"] for i in search.json()["items"]] == ["labinov-innovation-1"]
    page = client.get("/pustaka/", {"q": "antrean", "source": feed.source_key}).content.decode()
    assert "Antrean Daring Puskesmas Plus" in page and "Antrean Lain" not in page


def _json(body):
    return lambda handler, query: (200, {"Content-Type": "application/json"}, json.dumps(body))


HOSTILE = {
    "bad rows": (
        _json(
            {
                "count": 3,
                "items": [
                    item("a-1", "", T1),
                    item("a-2", "Tautan", T1, url="javascript:alert(1)"),
                    item("a-3", "Bentuk", T1, form="rahasia", year="tahun"),
                    item("a-3", "Ganda", T1),
                    "bukan objek",
                    {"source_id": "a-5", "withdrawn": "ya", "updated": "kemarin"},
                ],
                "next": None,
            }
        ),
        Feed.Status.REFUSED,
        "tidak sah",
    ),
    "not JSON": (
        lambda h, q: (200, {"Content-Type": "application/json"}, "<html>"),
        Feed.Status.FAILED,
        "JSON",
    ),
    "not a feed": (_json({"hasil": []}), Feed.Status.FAILED, "Labinov"),
    "HTML": (
        lambda h, q: (200, {"Content-Type": "text/html"}, "<html>"),
        Feed.Status.FAILED,
        "JSON",
    ),
    "server error": (
        lambda h, q: (500, {"Content-Type": "application/json"}, "{}"),
        Feed.Status.FAILED,
        "500",
    ),
    "redirect": (
        lambda h, q: (302, {"Location": "http://169.254.169.254/"}, ""),
        Feed.Status.FAILED,
        "169.254.169.254",
    ),
    "next page elsewhere": (
        _json({"count": 1, "items": [item("b-1", "B", T1)], "next": "http://lain.invalid/x"}),
        Feed.Status.FAILED,
        "lain.invalid",
    ),
    "oversized": (
        _json(
            {"count": 1, "items": [item("c-1", "C" * 200, T1, problem="x" * 5000)], "next": None}
        ),
        Feed.Status.FAILED,
        "4000",
    ),
    "too many": (
        _json({"count": 9, "items": [item(f"d-{n}", "D", T1) for n in range(9)], "next": None}),
        Feed.Status.FAILED,
        "5",
    ),
    "slow": (slow(4), Feed.Status.FAILED, "waktu"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_broken_hostile_oversized_or_slow_feed_is_refused_and_changes_nothing(
    settings, client_for, people, server, feed, case
):
    if case == "oversized":
        settings.LABINOV_HARVEST_MAX_PAGE_BYTES = 4000
    if case == "too many":
        settings.LABINOV_HARVEST_MAX_ITEMS = 5
    if case == "slow":
        settings.LABINOV_HARVEST_SECONDS = 1.5
    server.items = [item("labinov-innovation-1", "Antrean Daring Puskesmas", T1)]
    assert harvest(feed, people).status == Feed.Status.DONE
    before = snapshot()
    cursor = Feed.objects.get(pk=feed.pk).cursor

    answer, status, words = HOSTILE[case]
    server.answer = answer
    result = harvest(feed, people)

    assert result.status == status
    assert snapshot() == before
    assert result.cursor == cursor
    page = client_for(people["platform_admin"]).get("/data-terbuka/federasi/")
    text = page.content.decode()
    assert result.message in text.replace("&#x27;", "'").replace("&quot;", '"')
    assert words in result.message, result.message
    if case == "bad rows":
        problems = {(p["row"], p["column"]) for p in result.problems}
        assert {(1, "name"), (2, "url"), (3, "form"), (3, "year"), (4, "source_id")} <= problems
        assert {(5, ""), (6, "updated"), (6, "withdrawn")} <= problems
        assert "javascript" in text


@pytest.mark.django_db
def test_the_schedule_claims_each_due_feed_once(
    settings, people, server, feed, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from labinov.core import workers

    server.items = [item("labinov-innovation-1", "Antrean Daring Puskesmas", T1)]
    workers.recovered.send(sender=workers.WorkerLost)  # what every worker sends each minute
    feed.refresh_from_db()
    assert feed.status == Feed.Status.DONE
    assert LibraryEntry.objects.filter(source=feed.source_key).count() == 1
    assert actions.due_feeds() == []  # the next harvest is an interval away
    Feed.objects.filter(pk=feed.pk).update(active=False, next_harvest_at=None)
    assert actions.due_feeds() == []


@pytest.mark.django_db
def test_the_federation_page_is_for_platform_administrators(
    settings, client_for, people, server, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    assert client_for(people["coordinator"]).get("/data-terbuka/federasi/").status_code == 403
    admin = client_for(people["platform_admin"])
    server.items = [item("labinov-innovation-1", "Antrean Daring Puskesmas", T1)]
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(
            "/data-terbuka/federasi/",
            {"url": server.url, "name": "Kabupaten Asal", "interval_minutes": 60},
        )
    assert response.status_code == 302
    page = admin.get("/data-terbuka/federasi/").content.decode()
    assert "Kabupaten Asal" in page and "Selesai" in page and "1 ditambahkan" in page
    api = admin.get("/api/v1/open/feeds").json()
    assert api["count"] == 1 and api["items"][0]["status"] == "selesai"
    assert client_for(people["coordinator"]).get("/api/v1/open/feeds").json()["count"] == 0
    refused = client_for(people["coordinator"]).post(
        "/api/v1/open/feeds", {"url": "https://contoh.go.id"}, content_type="application/json"
    )
    assert refused.status_code == 403


def test_labinov_harvest_on_the_command_line(cli_env, server):
    from tests.cli import run

    run("migrate", "--noinput", env=cli_env, timeout=600)
    run(
        "shell", "-c",
        "from labinov.core.system import SystemActor\n"
        "from labinov.opendata.actions import register_feed\n"
        f"register_feed(acting_user=SystemActor('uji'), url='{server.url}', name='Asal')",
        env=cli_env,
    )  # fmt: skip
    assert "--json" in run("harvest", "--help", env=cli_env).stdout
    server.items = [item("labinov-innovation-1", "Antrean Daring Puskesmas", T1)]
    (first,) = json.loads(run("harvest", "--json", env=cli_env).stdout)
    assert first["status"] == "selesai" and first["origin"] == "asal-1"
    server.items = [item("x-1", "", T2)]
    refused = run("harvest", "--json", env=cli_env, check=False)
    assert refused.returncode != 0
    assert json.loads(refused.stdout)[0]["problems"][0]["column"] == "name"
    found = json.loads(run("search", "antrean", "--json", env=cli_env).stdout)
    assert [i["source_id"] for i in found] == ["labinov-innovation-1"]
