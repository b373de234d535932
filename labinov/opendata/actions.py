"""The only writers of open data and federation: the publication log, withdrawals, the
regions' licences, and the feeds harvested from other installations."""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.links import is_http_url
from labinov.core.system import SystemActor
from labinov.library.exchange import COLUMNS
from labinov.opendata.models import LICENCES, Feed, Publication, RegionLicence

AUDIT_ACTIONS = {
    "opendata.published": gettext_lazy("Innovation published as open data"),
    "opendata.withdrawn": gettext_lazy("Innovation withdrawn from publication"),
    "opendata.licence_set": gettext_lazy("Open data licence chosen"),
    "opendata.feed_registered": gettext_lazy("Federated feed registered"),
    "opendata.feed_changed": gettext_lazy("Federated feed changed"),
    "opendata.feed_harvested": gettext_lazy("Federated feed harvested"),
    "opendata.feed_refused": gettext_lazy("Federated feed refused"),
}


def _ensure_admin(user) -> None:
    if not get_access(user).is_platform_admin:
        raise NotAllowed(_("Only platform administrators manage federated feeds."))


def record_publication(*, acting_user, innovation, entry) -> Publication:
    """Log the innovation as published now, with its knowledge-base record (``entry``,
    written by the same transaction). Called by the innovation's publication
    (``innovations.actions.knowledge_base.publish_to_library``)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_publication runs inside the publication's transaction")
    now = timezone.now()
    row = {c: getattr(entry, c) for c in COLUMNS}
    publication, created = Publication.objects.select_for_update().get_or_create(
        innovation=innovation,
        defaults={
            "region": innovation.enrolment.programme.region,
            "source_id": entry.source_id,
            "row": row,
            "first_published_at": now,
            "updated_at": now,
        },
    )
    if not created:
        publication.row, publication.updated_at, publication.withdrawn = row, now, False
        publication.save(update_fields=["row", "updated_at", "withdrawn"])
    record_event(
        acting_user=acting_user,
        action="opendata.published",
        obj=innovation,
        unit=innovation.enrolment.unit,
        details={"source_id": publication.source_id, "first": created},
    )
    return publication


def may_withdraw(user, innovation) -> bool:
    return get_access(user).manages_region(innovation.enrolment.programme.region_id)


@transaction.atomic
def withdraw_innovation(*, acting_user, innovation, reason: str) -> Publication:
    """Unpublish an innovation: the public no longer sees it, its knowledge-base entry goes
    (unless replicated here), and the open feed tells harvesters to take it out."""
    from labinov.innovations.models import Innovation
    from labinov.library.actions import remove_entries
    from labinov.library.models import LibraryEntry

    innovation = (
        Innovation.objects.select_for_update()
        .select_related("enrolment__programme__region", "enrolment__unit")
        .get(pk=innovation.pk)
    )
    if not may_withdraw(acting_user, innovation):
        raise NotAllowed(
            _("Only the coordinator of %(region)s or a platform administrator may do this.")
            % {"region": innovation.enrolment.programme.region}
        )
    if innovation.published_at is None:
        raise ActionError(_("This innovation is not published."))
    reason = (reason or "").strip()
    if not reason:
        raise ActionError(_("Say why the innovation is withdrawn."), field="reason")
    innovation.published_at = None
    innovation.save(update_fields=["published_at"])
    publication = Publication.objects.select_for_update().filter(innovation=innovation).first()
    if publication is None:  # published before the publication log existed
        from labinov.innovations.actions.knowledge_base import source_id

        publication = Publication(
            innovation=innovation,
            region=innovation.enrolment.programme.region,
            source_id=source_id(innovation),
            first_published_at=timezone.now(),
        )
    publication.row, publication.withdrawn, publication.updated_at = {}, True, timezone.now()
    publication.save()
    _removed, kept = remove_entries(
        acting_user=SystemActor("opendata: withdrawal"),
        source=LibraryEntry.Source.LOCAL,
        source_ids=[publication.source_id],
        reason=reason,
    )
    record_event(
        acting_user=acting_user,
        action="opendata.withdrawn",
        obj=innovation,
        unit=innovation.enrolment.unit,
        details={"source_id": publication.source_id, "reason": reason, "kept": bool(kept)},
    )
    return publication


@transaction.atomic
def set_region_licence(*, acting_user, region, licence: str) -> RegionLicence:
    if not get_access(acting_user).manages_region(region.pk):
        raise NotAllowed(
            _("Only the coordinator of %(region)s or a platform administrator may do this.")
            % {"region": region}
        )
    if licence not in LICENCES:
        raise ActionError(_("Choose one of the licences offered."), field="licence")
    choice, _created = RegionLicence.objects.update_or_create(
        region=region, defaults={"licence": licence}
    )
    record_event(
        acting_user=acting_user,
        action="opendata.licence_set",
        obj=choice,
        region=region,
        details={"licence": licence},
    )
    return choice


@transaction.atomic
def register_feed(*, acting_user, url: str, name: str = "", interval_minutes: int = 60) -> Feed:
    """Register another installation's feed; it is harvested at once and then on
    schedule (every ``interval_minutes``)."""
    from labinov.opendata.harvest import feed_url

    _ensure_admin(acting_user)
    if not is_http_url(url or ""):
        raise ActionError(
            _("Give the installation's address, starting with http:// or https://."),
            field="url",
        )
    url = feed_url(url)
    if Feed.objects.filter(url=url).exists():
        raise ActionError(_("This feed is registered already."), field="url")
    if not 5 <= int(interval_minutes) <= 60 * 24 * 30:
        raise ActionError(
            _("Harvest between every 5 minutes and every 30 days."), field="interval_minutes"
        )
    name = (name or "").strip()[:200] or url.split("/")[2]
    feed = Feed.objects.create(
        url=url,
        name=name,
        interval_minutes=int(interval_minutes),
        next_harvest_at=timezone.now(),
        created_by=acting_user if getattr(acting_user, "pk", None) else None,
    )
    record_event(
        acting_user=acting_user,
        action="opendata.feed_registered",
        obj=feed,
        details={"url": url, "interval_minutes": feed.interval_minutes},
    )
    return feed


@transaction.atomic
def set_feed_active(*, acting_user, feed: Feed, active: bool) -> Feed:
    _ensure_admin(acting_user)
    feed.active = bool(active)
    feed.next_harvest_at = timezone.now() if active else None
    feed.save(update_fields=["active", "next_harvest_at"])
    record_event(
        acting_user=acting_user,
        action="opendata.feed_changed",
        obj=feed,
        details={"active": active},
    )
    return feed


@transaction.atomic
def queue_harvest(*, acting_user, feed: Feed) -> Feed:
    """Ask for a harvest now (a background worker does it)."""
    from labinov.opendata.tasks import harvest_feed_task

    _ensure_admin(acting_user)
    Feed.objects.filter(pk=feed.pk).update(status=Feed.Status.WAITING, message="")
    record_event(
        acting_user=acting_user, action="opendata.feed_changed", obj=feed, details={"harvest": True}
    )
    transaction.on_commit(lambda: harvest_feed_task.enqueue(feed.pk))
    feed.refresh_from_db()
    return feed


def _finish(feed: Feed, *, acting_user, status: str, message: str, problems=(), **fields):
    now = timezone.now()
    with transaction.atomic():
        Feed.objects.filter(pk=feed.pk).update(
            status=status,
            message=message,
            problems=[p.as_dict() for p in problems][:500],
            last_harvest_at=now,
            **fields,
        )
        record_event(
            acting_user=acting_user,
            action="opendata.feed_harvested"
            if status == Feed.Status.DONE
            else "opendata.feed_refused",
            obj=feed,
            details={"status": status, "message": message[:500], "problems": len(problems)},
        )
    feed.refresh_from_db()
    return feed


def _changed_rows(source: str, rows: list[tuple[int, dict]]) -> list[tuple[int, dict]]:
    """The rows that differ from the entries already harvested (harvesting twice, or a
    change the origin made to something else, writes nothing)."""
    from labinov.library.models import LibraryEntry

    existing = {
        e["source_id"]: e
        for e in LibraryEntry.objects.filter(
            source=source, source_id__in=[r["source_id"] for _n, r in rows]
        ).values(*COLUMNS)
    }
    return [
        (n, r) for n, r in rows if existing.get(r["source_id"]) != {c: r.get(c) for c in COLUMNS}
    ]


def harvest_feed(*, acting_user, feed: Feed) -> Feed:
    """Harvest the changes of ``feed`` since its last harvest into the knowledge base.

    The whole feed is read and checked first; a feed that cannot be read, or holds any
    record that an import would refuse, is refused with its problems and changes nothing.
    Then new and changed records are written as an import is (all or nothing), records
    withdrawn at the origin are taken out, and the cursor moves on. Not one transaction
    (an import writes in short ones), so it is not decorated: a failure midway leaves the
    cursor where it was, and the next harvest does the same again (harvesting is
    idempotent)."""
    from labinov.library.actions import import_rows, remove_entries
    from labinov.opendata.harvest import FeedError, read_feed

    _ensure_admin(acting_user)
    feed = Feed.objects.get(pk=feed.pk)
    Feed.objects.filter(pk=feed.pk).update(status=Feed.Status.RUNNING)
    try:
        harvested = read_feed(feed.url, since=feed.cursor)
    except FeedError as exc:
        return _finish(feed, acting_user=acting_user, status=Feed.Status.FAILED, message=str(exc))
    if harvested.problems:
        bad = len({p.row for p in harvested.problems})
        return _finish(
            feed,
            acting_user=acting_user,
            status=Feed.Status.REFUSED,
            message=_("%(n)s record(s) of the feed are not valid: nothing was harvested.")
            % {"n": bad},
            problems=harvested.problems,
        )
    system = SystemActor(f"federasi: {feed.name}")
    changed = _changed_rows(feed.source_key, harvested.rows)
    created = updated = 0
    if changed:
        result = import_rows(
            acting_user=system,
            rows=((n, row, []) for n, row in changed),
            source=feed.source_key,
            file_name=feed.url,
        )
        created, updated = result.created, result.updated
    removed, kept = (0, [])
    if harvested.withdrawn:
        removed, kept = remove_entries(
            acting_user=system,
            source=feed.source_key,
            source_ids=harvested.withdrawn,
            reason=_("withdrawn at its origin"),
        )
    message = _(
        "%(created)s added, %(updated)s updated, %(removed)s withdrawn, %(same)s unchanged."
    ) % {
        "created": created,
        "updated": updated,
        "removed": removed,
        "same": len(harvested.rows) - len(changed),
    }
    if kept:
        message += " " + _(
            "%(n)s withdrawn record(s) stay because innovations here replicate them."
        ) % {"n": len(kept)}
    cursor = harvested.cursor or feed.cursor
    return _finish(
        feed, acting_user=acting_user, status=Feed.Status.DONE, message=message, cursor=cursor
    )


def due_feeds() -> list[int]:
    """Claim the feeds whose scheduled harvest is due (each claimed once, whichever
    worker asks first) and set their next one."""
    now = timezone.now()
    claimed = []
    for feed in Feed.objects.filter(active=True, next_harvest_at__lte=now):
        following = now + datetime.timedelta(minutes=feed.interval_minutes)
        if Feed.objects.filter(pk=feed.pk, next_harvest_at=feed.next_harvest_at).update(
            next_harvest_at=following
        ):
            claimed.append(feed.pk)
    return claimed
