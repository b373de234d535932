"""Notifications: written by the actions when the event happens, read and marked on the
person's own page and the API, and e-mailed once a day unless switched off."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from labinov.accounts import actions as account_actions
from labinov.accounts import notify
from labinov.accounts.models import Notification, Role
from labinov.accounts.models import User as Person
from labinov.core.system import SystemActor
from labinov.innovations import actions as innovation_actions
from labinov.innovations.models import Innovation, Milestone
from labinov.lab import actions
from labinov.lab.models import Enrolment, LabProgramme
from tests.factories import UserFactory
from tests.lab.conftest import enrolment, programme  # noqa: F401
from tests.regions.test_api import bearer

SYSTEM = SystemActor("uji")


def texts(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("text", flat=True))


@pytest.fixture
def innovation(enrolment):  # noqa: F811
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    return Innovation.objects.create(enrolment=enrolment, name="Akta Lahir dari Puskesmas")


def test_a_comment_tells_the_unit_and_earlier_commenters_not_its_author(
    people,
    enrolment,  # noqa: F811
):
    actions.add_comment(
        acting_user=people["coach"], enrolment=enrolment, target=enrolment, text="SK tim?"
    )
    assert "SK tim?" in texts(people["unit_head"])[0]
    assert "SK tim?" in texts(people["team_member"])[0]
    assert texts(people["coach"]) == []
    actions.add_comment(
        acting_user=people["team_member"], enrolment=enrolment, target=enrolment, text="Sudah."
    )
    (answer,) = texts(people["coach"])
    assert "Sudah." in answer and "berkomentar" in answer
    assert Notification.objects.get(recipient=people["coach"]).url.endswith("#comments")
    assert len(texts(people["team_member"])) == 1  # not told of their own comment


def test_a_monitoring_comment_tells_the_unit(people, innovation):
    innovation_actions.add_monitoring_comment(
        acting_user=people["coach"], innovation=innovation, text="Data uji coba?"
    )
    (text,) = texts(people["unit_head"])
    assert "Data uji coba?" in text and innovation.name in text
    assert Notification.objects.get(recipient=people["unit_head"]).url == (
        innovation.get_absolute_url() + "#comments"
    )


def test_gate_decisions_and_reopening_tell_the_unit(people, enrolment):  # noqa: F811
    actions.decide_gate(
        acting_user=people["coach"],
        subject=enrolment,
        stage="drum_up",
        decision="approved",
        reason="Lengkap",
    )
    # Items are missing: the approval is recorded as a refusal, and said so.
    (refused,) = texts(people["unit_head"])
    assert "menolak" in refused and "Lengkap" in refused
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="diagnose")
    enrolment.refresh_from_db()
    actions.reopen_stage(acting_user=people["coach"], subject=enrolment, reason="Perbaiki tim")
    assert any("Perbaiki tim" in t and "membuka kembali" in t for t in texts(people["team_member"]))
    assert texts(people["coach"]) == []
    n = Notification.objects.filter(recipient=people["unit_head"]).first()
    assert n.kind == Notification.Kind.GATE and n.url == enrolment.get_absolute_url()


def test_being_given_a_role_is_notified(people, region):
    newcomer = UserFactory(username="baru")
    account_actions.assign_role(
        acting_user=people["platform_admin"], user=newcomer, role=Role.COACH, region=region
    )
    (text,) = texts(newcomer)
    assert "Coach" in text and region.name in text
    assert Notification.objects.get(recipient=newcomer).kind == Notification.Kind.INVITATION


def test_jury_duty_is_notified(people, programme):  # noqa: F811
    innovation_actions.create_expo(
        acting_user=people["coordinator"],
        programme=programme,
        title="Expo Uji",
        held_on=datetime.date(2030, 5, 2),
        jurors=[people["assessor"]],
    )
    (text,) = texts(people["assessor"])
    assert "Expo Uji" in text and "2 Mei 2030" in text
    assert texts(people["coordinator"]) == []


def test_overdue_stages_and_steps_are_notified_once_by_the_cli(people, region, unit, innovation):
    LabProgramme.objects.filter(pk=innovation.enrolment.programme_id).update(status="running")
    Enrolment.objects.filter(pk=innovation.enrolment_id).update(stage="drum_up")
    Milestone.objects.create(
        innovation=innovation,
        title="Uji coba",
        owner="Ketua",
        start=datetime.date(2022, 11, 1),
        end=datetime.date(2022, 11, 30),
        deliverable="Akta",
        progress=40,
    )
    call_command("notify_overdue")
    found = texts(people["unit_head"])
    assert len(found) == 2
    assert any("masih dalam tahap Drum-up" in t for t in found)
    assert any("“Uji coba”" in t and "40%" in t for t in found)
    call_command("notify_overdue")
    assert len(texts(people["unit_head"])) == 2


def _notification(user, text="Gerbang Drum-up disetujui", **extra):
    return Notification.objects.create(
        recipient=user, kind=Notification.Kind.GATE, text=text, url="/lab/", **extra
    )


def test_the_page_lists_ones_own_marks_read_and_the_badge_counts(client_for, people):
    mine = _notification(people["coach"])
    other = _notification(people["leader"], text="Bukan untuk coach")
    client = client_for(people["coach"])
    page = client.get("/akun/pemberitahuan/").content.decode()
    assert "Gerbang Drum-up disetujui" in page and "Bukan untuk coach" not in page
    assert 'count-badge">1<' in page
    response = client.post("/akun/pemberitahuan/baca/", {"id": mine.pk})
    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert "count-badge" not in client.get("/").content.decode()
    other.refresh_from_db()
    assert other.read_at is None


def test_mark_all_read(client_for, people):
    for i in range(3):
        _notification(people["coach"], text=f"Pesan {i}")
    _notification(people["leader"])
    client_for(people["coach"]).post("/akun/pemberitahuan/baca/", {"semua": "1"})
    assert not Notification.objects.filter(recipient=people["coach"], read_at=None).exists()
    assert Notification.objects.filter(recipient=people["leader"], read_at=None).count() == 1


def test_marking_someone_elses_notification_is_refused_and_changes_nothing(client_for, people):
    mine = _notification(people["coach"])
    theirs = _notification(people["leader"])
    client = client_for(people["coach"])
    response = client.post("/akun/pemberitahuan/baca/", {"id": [mine.pk, theirs.pk]})
    assert response.status_code == 404
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    assert client.post("/akun/pemberitahuan/baca/", {"id": "x"}).status_code == 400
    assert client.post("/akun/pemberitahuan/baca/", {}).status_code == 400
    assert client.get("/akun/pemberitahuan/baca/").status_code == 405
    assert Notification.objects.filter(read_at__isnull=False).count() == 0


def test_the_page_needs_a_login_and_csrf(client, people):
    from django.test import Client

    assert client.get("/akun/pemberitahuan/").status_code == 302
    mine = _notification(people["coach"])
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["coach"])
    assert strict.post("/akun/pemberitahuan/baca/", {"id": mine.pk}).status_code == 403
    mine.refresh_from_db()
    assert mine.read_at is None


def test_the_daily_digest_is_switched_off_on_the_account_page(client_for, people):
    client = client_for(people["coach"])
    assert "ringkasan-harian" in client.get("/akun/").content.decode()
    client.post("/akun/ringkasan-harian/", {})
    people["coach"].refresh_from_db()
    assert people["coach"].daily_digest is False
    client.post("/akun/ringkasan-harian/", {"daily_digest": "on"})
    people["coach"].refresh_from_db()
    assert people["coach"].daily_digest is True


def test_the_digest_is_sent_once_a_day_and_skips_who_opted_out(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    coach, leader = people["coach"], people["leader"]
    Person.objects.filter(pk=coach.pk).update(email="coach@example.org")
    Person.objects.filter(pk=leader.pk).update(email="leader@example.org", daily_digest=False)
    _notification(coach, text="Gerbang menunggu keputusan")
    _notification(leader, text="Untuk pimpinan")
    call_command("send_digests")
    assert [m.to for m in mail.outbox] == [["coach@example.org"]]
    assert "Gerbang menunggu keputusan" in mail.outbox[0].body
    assert "/akun/pemberitahuan/" in mail.outbox[0].body
    call_command("send_digests")
    _notification(coach, text="Lagi hari ini")
    call_command("send_digests")
    assert len(mail.outbox) == 1
    # The next day, only what came since the last digest.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    assert notify.send_digests(now=tomorrow) == 1
    assert "Lagi hari ini" in mail.outbox[1].body
    assert "Gerbang menunggu keputusan" not in mail.outbox[1].body


def test_the_digest_skips_what_was_read_and_who_has_no_email(people, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Person.objects.filter(pk=people["coach"].pk).update(email="coach@example.org")
    Person.objects.filter(pk=people["leader"].pk).update(email=None)
    Person.objects.filter(pk=people["assessor"].pk).update(email="penilai@demo.labinov.invalid")
    _notification(people["coach"], read_at=timezone.now())
    _notification(people["leader"])
    _notification(people["assessor"])
    assert notify.send_digests() == 0
    assert mail.outbox == []


def test_the_api_lists_and_marks_only_ones_own(client, people):
    mine = _notification(people["coach"])
    theirs = _notification(people["leader"], text="Rahasia pimpinan")
    auth = bearer(people["coach"])
    listed = client.get("/api/v1/notifications", **auth).json()
    assert [n["id"] for n in listed["items"]] == [mine.pk]
    refused = client.post(
        "/api/v1/notifications/mark-read",
        {"ids": [mine.pk, theirs.pk]},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 404
    assert refused.json()["code"] == "not_found"
    # ...as the API's description promises (the id is in the body, not the path).
    spec = client.get("/api/v1/openapi.json").json()
    assert "404" in spec["paths"]["/api/v1/notifications/mark-read"]["post"]["responses"]
    assert Notification.objects.filter(read_at__isnull=False).count() == 0
    done = client.post(
        "/api/v1/notifications/mark-read",
        {"ids": [mine.pk]},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200 and done.json() == {"marked": 1, "unread": 0}
    assert client.get("/api/v1/notifications").status_code == 401
    assert client.get("/api/v1/notifications?unread=true", **auth).json()["count"] == 0


def test_the_api_marks_all_read(client, people):
    _notification(people["coach"])
    _notification(people["coach"])
    answer = client.post(
        "/api/v1/notifications/mark-read",
        {"all": True},
        content_type="application/json",
        **bearer(people["coach"]),
    )
    assert answer.json() == {"marked": 2, "unread": 0}


def test_the_workers_minute_look_sends_the_days_digests_once(people, settings, monkeypatch):
    from labinov.core import workers
    from labinov.innovations import schedule

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    Person.objects.filter(pk=people["coach"].pk).update(email="coach@example.org")
    _notification(people["coach"])
    monkeypatch.setitem(schedule._last_run, "day", None)
    monkeypatch.setattr(notify, "DIGEST_HOUR", 24)  # not yet the hour: nothing goes
    workers.recovered.send(sender=None)
    assert mail.outbox == []
    monkeypatch.setattr(notify, "DIGEST_HOUR", 0)
    workers.recovered.send(sender=None)
    workers.recovered.send(sender=None)
    assert [m.to for m in mail.outbox] == [["coach@example.org"]]


def test_the_header_counts_unread_notifications_in_one_query(client_for, people):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(4):
        _notification(people["coach"], text=f"Pesan {i}")
    client = client_for(people["coach"])
    with CaptureQueriesContext(connection) as ctx:
        page = client.get("/akun/pemberitahuan/").content.decode()
    assert 'count-badge">4<' in page
    counting = [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    counting = [
        q for q in counting if "accounts_notification" in q["sql"] and "read_at" in q["sql"]
    ]
    # The page's own "4 unread" and the header's badge share one count of the unread.
    assert len(counting) == 1


def test_the_menu_marks_the_notifications_not_the_account_as_current(client_for, people):
    page = client_for(people["coach"]).get("/akun/pemberitahuan/").content.decode()
    assert page.count('aria-current="page"') == 1
    assert 'href="/akun/pemberitahuan/" aria-current="page"' in page
