"""Reading another installation's open feed, safely. Nothing here writes: ``read_feed``
fetches every page after the feed's cursor and checks it whole, with the checks of a
knowledge-base import (``library.exchange.clean_row``), within limits of size, count and
time. Only a feed found good is then written (``actions.harvest_feed``), so a broken,
hostile, oversized or slow feed changes nothing and its problems are shown instead."""

import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.utils.translation import gettext as _

from labinov.library.exchange import Problem, clean_row
from labinov.opendata.feed import BadMoment, iso, parse_moment

FEED_PATH = "/api/v1/open/innovations"


def limits() -> dict:
    """The limits of one harvest (settings, read from the environment)."""
    return {
        "page_bytes": settings.LABINOV_HARVEST_MAX_PAGE_BYTES,
        "items": settings.LABINOV_HARVEST_MAX_ITEMS,
        "seconds": settings.LABINOV_HARVEST_SECONDS,
    }


class FeedError(Exception):
    """The feed as a whole cannot be harvested (unreachable, too large, too slow, not a
    Labinov feed); the message says what to do."""


@dataclass
class Harvested:
    #: (row number, cleaned row) of the innovations published or updated at the origin.
    rows: list[tuple[int, dict]] = field(default_factory=list)
    #: source_ids withdrawn at the origin.
    withdrawn: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: The latest ``updated`` read: the next harvest asks for what changed after it.
    cursor: object = None
    pages: int = 0


def feed_url(url: str) -> str:
    """The feed's address from what the administrator typed: an installation's address
    (``https://labinov.example.go.id``) or its feed's."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    if not path.endswith(FEED_PATH):
        path = path + FEED_PATH
    return urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, "", ""))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        raise FeedError(
            _("The feed redirects to %(url)s: register that address instead.")
            % {"url": newurl[:200]}
        )


_opener = urllib.request.build_opener(_NoRedirects)


def _fetch(url: str, *, deadline: float, max_bytes: int) -> bytes:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FeedError(_("The feed did not answer in time: try again later."))
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "Labinov harvester"}
    )
    try:
        with _opener.open(request, timeout=min(left, 30)) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FeedError(
                    _("A page of the feed is larger than %(n)s bytes: nothing was harvested.")
                    % {"n": max_bytes}
                )
            kind = response.headers.get_content_type()
            if kind != "application/json":
                raise FeedError(
                    _("The feed answered %(kind)s, not JSON: is this a Labinov feed?")
                    % {"kind": kind}
                )
            body = bytearray()
            while True:
                if time.monotonic() > deadline:
                    raise FeedError(_("The feed did not answer in time: try again later."))
                chunk = response.read1(65536)
                if not chunk:
                    break
                body += chunk
                if len(body) > max_bytes:
                    raise FeedError(
                        _("A page of the feed is larger than %(n)s bytes: nothing was harvested.")
                        % {"n": max_bytes}
                    )
            return bytes(body)
    except FeedError:
        raise
    except urllib.error.HTTPError as exc:
        raise FeedError(
            _("The feed answered HTTP %(status)s: check its address.") % {"status": exc.code}
        ) from None
    except TimeoutError:
        raise FeedError(_("The feed did not answer in time: try again later.")) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise FeedError(
            _("The feed cannot be reached (%(reason)s): check its address.")
            % {"reason": str(reason)[:200]}
        ) from None


def _same_origin(a: str, b: str) -> bool:
    pa, pb = urlsplit(a), urlsplit(b)
    return (pa.scheme, pa.netloc, pa.path) == (pb.scheme, pb.netloc, pb.path)


def _check_item(number: int, raw, seen: dict, out: Harvested) -> None:
    if not isinstance(raw, dict):
        out.problems.append(Problem(number, "", _("not a JSON object")))
        return
    problems = []
    updated = None
    try:
        updated = parse_moment(raw.get("updated") if isinstance(raw.get("updated"), str) else "")
    except BadMoment:
        problems.append(Problem(number, "updated", _("not an ISO 8601 moment")))
    withdrawn = raw.get("withdrawn")
    if not isinstance(withdrawn, bool):
        problems.append(Problem(number, "withdrawn", _("write true or false")))
    source_id = raw.get("source_id")
    if withdrawn is True:
        row = {}
        if not isinstance(source_id, str) or not source_id.strip() or len(source_id) > 200:
            problems.append(Problem(number, "source_id", _("required, but empty")))
        else:
            source_id = source_id.strip()
    else:
        row, row_problems = clean_row(number, raw)
        problems += row_problems
        source_id = row.get("source_id")
    if source_id and isinstance(source_id, str):
        if source_id in seen:
            problems.append(
                Problem(
                    number,
                    "source_id",
                    _("%(id)r already appears on row %(row)s")
                    % {"id": source_id, "row": seen[source_id]},
                )
            )
        else:
            seen[source_id] = number
    if problems:
        out.problems += problems
        return
    if withdrawn:
        out.withdrawn.append(source_id)
    else:
        out.rows.append((number, row))
    if out.cursor is None or updated > out.cursor:
        out.cursor = updated


def read_feed(url: str, *, since=None) -> Harvested:
    """Fetch and check every page of changes after ``since``. Raises ``FeedError`` when
    the feed cannot be read at all; rows that break the exchange format are listed in
    ``problems`` (then nothing is to be written)."""
    bounds = limits()
    deadline = time.monotonic() + bounds["seconds"]
    out = Harvested()
    seen: dict[str, int] = {}
    query = {"limit": 500}
    if since is not None:
        query["since"] = iso(since)
    page_url = f"{url}?{urlencode(query)}"
    number = 0
    while page_url:
        body = _fetch(page_url, deadline=deadline, max_bytes=bounds["page_bytes"])
        out.pages += 1
        try:
            data = json.loads(body)
        except (ValueError, RecursionError):
            raise FeedError(_("The feed's answer is not valid JSON.")) from None
        if not (
            isinstance(data, dict)
            and isinstance(data.get("items"), list)
            and isinstance(data.get("count"), int)
            and (data.get("next") is None or isinstance(data.get("next"), str))
        ):
            raise FeedError(
                _('The feed\'s answer is not {"count", "items", "next"}: is this a Labinov feed?')
            )
        for raw in data["items"]:
            number += 1
            if number > bounds["items"]:
                raise FeedError(
                    _("The feed holds more than %(n)s changes: nothing was harvested.")
                    % {"n": bounds["items"]}
                )
            _check_item(number, raw, seen, out)
        following = data.get("next")
        if following and not _same_origin(following, url):
            raise FeedError(
                _("The feed's next page %(url)s is not on the feed's own address.")
                % {"url": following[:200]}
            )
        if following and not data["items"]:
            raise FeedError(_("The feed names a next page after an empty one."))
        page_url = following
    return out
