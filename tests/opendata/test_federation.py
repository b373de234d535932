"""Federation between two Labinov installations on loopback (issue 12, "done when"): each
a `labinov serve` with its own database and data folder. A publishes, B harvests; A
updates one innovation and withdraws another, B follows; harvesting twice changes
nothing; a hostile feed is refused with its errors and B's knowledge base is unchanged."""

import json

import pytest
import requests

from tests.cli import run
from tests.library.processes import Database, Person, Processes, _token, wait_for
from tests.opendata.feeds import FeedServer, item

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installations(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        a = Database(tmp_path / "a", name="open_a")
        b = Database(tmp_path / "b", name="open_b")
    a_procs, b_procs = Processes(a, tmp_path / "a"), Processes(b, tmp_path / "b")
    yield a, b, a_procs, b_procs
    a_procs.stop_all()
    b_procs.stop_all()
    a.drop()
    b.drop()


def feed_items(url: str) -> list[dict]:
    """Every page of A's open feed, read without logging in."""
    items, page = [], f"{url}/api/v1/open/innovations?since=1970-01-01T00:00:00Z&limit=1"
    while page:
        data = requests.get(page, timeout=30).json()
        items += data["items"]
        page = data["next"]
    return items


class Admin(Person):
    def post_form(self, path: str, data: dict, *, form_page: str | None = None):
        page = self.session.get(self.url + (form_page or path), timeout=30)
        response = self.session.post(
            self.url + path,
            data={**data, "csrfmiddlewaretoken": _token(page)},
            allow_redirects=False,
            timeout=60,
        )
        assert response.status_code == 302, response.text[:3000]
        return response

    def feed(self, feed_id: int) -> dict:
        return self.session.get(f"{self.url}/api/v1/open/feeds/{feed_id}", timeout=30).json()

    def harvested(self, feed_id: int, *, after=None, log=None) -> dict:
        def finished():
            feed = self.feed(feed_id)
            if feed["status"] in ("selesai", "ditolak", "gagal") and (
                feed["last_harvest_at"] and feed["last_harvest_at"] != after
            ):
                return feed
            return None

        return wait_for(finished, "the harvest to finish", log=log)

    def library(self, origin: str) -> list[dict]:
        body = self.session.get(
            f"{self.url}/api/v1/library", params={"source": origin, "limit": 1000}, timeout=30
        ).json()
        return sorted(body["items"], key=lambda i: i["source_id"])


def test_two_installations_federate(installations):
    a, _b, a_procs, b_procs = installations
    run("demo", env=a.env, timeout=600)
    _a_server, a_url = a_procs.serve(task_workers=0)
    b_server, b_url = b_procs.serve(task_workers=1)
    published = feed_items(a_url)
    assert len(published) >= 2 and not any(i["withdrawn"] for i in published)

    # B's administrator registers A; a background worker harvests it.
    b_admin = Admin(b_url)
    b_admin.post_form(
        "/data-terbuka/federasi/", {"url": a_url, "name": "Labinov A", "interval_minutes": 60}
    )
    feeds = b_admin.session.get(f"{b_url}/api/v1/open/feeds", timeout=30).json()
    feed_id, origin = feeds["items"][0]["id"], feeds["items"][0]["origin"]
    first = b_admin.harvested(feed_id, log=b_server.log)
    assert first["status"] == "selesai", first
    harvested = b_admin.library(origin)
    assert [e["source_id"] for e in harvested] == sorted(i["source_id"] for i in published)
    assert {e["region"] for e in harvested} == {"Kabupaten Purbalingga"}

    # A updates one innovation (one whose record is still open) and withdraws another.
    out = run(
        "shell", "-c",
        "from labinov.core.system import SystemActor\n"
        "from labinov.innovations.actions import update_innovation\n"
        "from labinov.innovations.models import Innovation\n"
        "i = Innovation.objects.filter(published_at__isnull=False, documented_at=None).first()\n"
        "from labinov.lab.actions import reopen_stage\n"
        "reopen_stage(acting_user=SystemActor('uji'), subject=i, reason='Ringkasan diperbaiki')\n"
        "i.refresh_from_db()\n"
        "update_innovation(acting_user=SystemActor('uji'), innovation=i,\n"
        "                  public_summary='Ringkasan Baru Dari A')\n"
        "print('UPDATED', i.pk)",
        env=a.env,
    ).stdout  # fmt: skip
    updated_id = int(out.split("UPDATED")[1].split()[0])
    withdrawn_id = next(
        int(i["source_id"].rsplit("-", 1)[1])
        for i in published
        if i["source_id"] != f"labinov-innovation-{updated_id}"
    )
    a_admin = Admin(a_url)
    a_admin.post_form(f"/data-terbuka/tarik/{withdrawn_id}/", {"reason": "Belum diverifikasi"})
    changes = [i for i in feed_items(a_url) if i["updated"] > max(p["updated"] for p in published)]
    assert {(i["source_id"], i["withdrawn"]) for i in changes} == {
        (f"labinov-innovation-{updated_id}", False),
        (f"labinov-innovation-{withdrawn_id}", True),
    }

    # B follows.
    b_admin.post_form(
        f"/data-terbuka/federasi/{feed_id}/panen/", {}, form_page="/data-terbuka/federasi/"
    )
    second = b_admin.harvested(feed_id, after=first["last_harvest_at"], log=b_server.log)
    assert second["status"] == "selesai", second
    assert "1 diperbarui, 1 ditarik" in second["message"]
    after = {e["source_id"]: e for e in b_admin.library(origin)}
    assert f"labinov-innovation-{withdrawn_id}" not in after
    assert after[f"labinov-innovation-{updated_id}"]["solution"].startswith("Ringkasan Baru Dari A")
    assert len(after) == len(published) - 1

    # Harvesting twice changes nothing.
    before = b_admin.library(origin)
    b_admin.post_form(
        f"/data-terbuka/federasi/{feed_id}/panen/", {}, form_page="/data-terbuka/federasi/"
    )
    third = b_admin.harvested(feed_id, after=second["last_harvest_at"], log=b_server.log)
    assert third["status"] == "selesai"
    assert third["message"].startswith("0 ditambahkan, 0 diperbarui, 0 ditarik")
    assert b_admin.library(origin) == before

    # A hostile feed is refused with its errors; B's knowledge base is unchanged.
    hostile = FeedServer()
    try:
        hostile.items = [
            item("h-1", "", "2026-01-01T00:00:00Z"),
            item("h-2", "Tautan", "2026-01-01T00:00:00Z", url="javascript:alert(1)"),
        ]
        everything = b_admin.session.get(f"{b_url}/api/v1/library?limit=1000", timeout=30).json()
        b_admin.post_form(
            "/data-terbuka/federasi/", {"url": hostile.url, "name": "Jahat", "interval_minutes": 60}
        )
        feeds = b_admin.session.get(f"{b_url}/api/v1/open/feeds", timeout=30).json()
        bad = next(f for f in feeds["items"] if f["name"] == "Jahat")
        refused = b_admin.harvested(bad["id"], log=b_server.log)
        assert refused["status"] == "ditolak"
        assert {(p["row"], p["column"]) for p in refused["problems"]} == {(1, "name"), (2, "url")}
        page = b_admin.session.get(f"{b_url}/data-terbuka/federasi/", timeout=30).text
        assert "2 rekaman umpan tidak sah" in page and "javascript:alert(1)" in page
        now = b_admin.session.get(f"{b_url}/api/v1/library?limit=1000", timeout=30).json()
        assert json.dumps(now, sort_keys=True) == json.dumps(everything, sort_keys=True)
    finally:
        hostile.close()
