"""The open feed of this installation (DESIGN.md contract 8): its published innovations
changed after a moment, oldest change first, from the publication log."""

import datetime
import hashlib
import json
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from labinov.library.exchange import COLUMNS
from labinov.opendata.models import DEFAULT_LICENCE, Publication, RegionLicence

MAX_LIMIT = 1000
DEFAULT_LIMIT = 100


class BadMoment(ValueError):
    """``since`` is not an ISO 8601 moment."""


def parse_moment(text: str) -> datetime.datetime:
    """An ISO 8601 date or date and time; without an offset it is taken as UTC. A "+"
    of an offset that reached us as a space (unencoded in a query string) counts too."""
    text = (text or "").strip()
    if len(text) > 10 and " " in text[10:]:
        head, _sep, tail = text.rpartition(" ")
        if tail[:2].isdigit():
            text = f"{head}+{tail}"
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise BadMoment(
            _(
                "%(v)r is not an ISO 8601 moment: write e.g. 2026-01-31T08:00:00Z or "
                "2026-01-31T15:00:00+07:00."
            )
            % {"v": text[:60]}
        ) from None
    if timezone.is_naive(moment):
        moment = moment.replace(tzinfo=datetime.UTC)
    return moment


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")


@dataclass
class Page:
    count: int
    items: list[dict]
    #: (since, after) of the following page, or None.
    following: tuple[datetime.datetime, int] | None
    last_modified: datetime.datetime | None

    def etag(self, next_url: str | None) -> str:
        body = json.dumps([self.count, self.items, next_url], sort_keys=True, default=str)
        return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


def _licences() -> dict[int, str]:
    return dict(RegionLicence.objects.values_list("region_id", "licence"))


def item(publication: Publication, *, licences: dict, absolute) -> dict:
    """One feed item: the exchange columns, ``updated`` and ``withdrawn`` (and the
    region's ``licence``). A withdrawn innovation keeps only its ``source_id``."""
    if publication.withdrawn:
        out = {c: None if c in ("year", "digital") else "" for c in COLUMNS}
        out["source_id"] = publication.source_id
        out["licence"] = ""
    else:
        out = {c: publication.row.get(c) for c in COLUMNS}
        out["source_id"] = publication.source_id
        if out.get("url") and str(out["url"]).startswith("/"):
            out["url"] = absolute(out["url"])
        out["licence"] = licences.get(publication.region_id, DEFAULT_LICENCE)
    out["updated"] = iso(publication.updated_at)
    out["withdrawn"] = publication.withdrawn
    return out


def changes(*, since: datetime.datetime | None, after: int | None, limit: int, absolute) -> Page:
    """The page of changes after ``since`` (and, at ``since`` itself, after publication
    id ``after``: the position of the previous page's last item)."""
    qs = Publication.objects.all()
    if since is not None:
        if after:
            qs = qs.filter(Q(updated_at__gt=since) | Q(updated_at=since, pk__gt=after))
        else:
            qs = qs.filter(updated_at__gt=since)
    count = qs.count()
    rows = list(qs.order_by("updated_at", "pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    licences = _licences()
    items = [item(p, licences=licences, absolute=absolute) for p in rows]
    following = (rows[-1].updated_at, rows[-1].pk) if more else None
    if rows:
        last_modified = rows[-1].updated_at
    else:
        latest = Publication.objects.order_by("-updated_at").values_list("updated_at", flat=True)
        last_modified = latest.first()
    return Page(count=count, items=items, following=following, last_modified=last_modified)


def published_rows(region=None):
    """The records of the published innovations (of ``region``), for downloads."""
    qs = Publication.objects.filter(withdrawn=False, innovation__published_at__isnull=False)
    if region is not None:
        qs = qs.filter(region=region)
    return qs.select_related("region").order_by("source_id")
