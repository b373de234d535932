"""The open data API: the open feed of published innovations (DESIGN.md contract 8), the
withdrawal of a published innovation, and the federated feeds an administrator manages."""

import datetime
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import http_date, parse_http_date_safe, quote_etag
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from labinov.core.api_support import MAX_ID, ApiError, Pagination, require_login
from labinov.innovations.selectors import innovations_visible_to
from labinov.opendata import actions, feed
from labinov.opendata.selectors import feeds_visible_to

router = Router(tags=["open data"])


class FeedItemOut(Schema):
    source_id: str = Field(description="stable across updates")
    name: str
    region: str
    province: str
    year: int | None
    agency: str
    form: str
    digital: bool | None
    sector: str
    stage: str
    problem: str
    solution: str
    impact: str
    url: str
    licence: str = Field(description="the region's open data licence, e.g. CC-BY-4.0")
    updated: str = Field(description="ISO 8601 moment of the change")
    withdrawn: bool = Field(description="true once unpublished; the other fields are empty")


class FeedOut(Schema):
    count: int = Field(description="changes from this page on")
    items: list[FeedItemOut]
    next: str | None = Field(description="the following page, or null")


FEED_EXAMPLE = {
    "count": 1,
    "items": [
        {
            "source_id": "labinov-innovation-12",
            "name": "Akta Lahir dari Puskesmas",
            "region": "Kabupaten Purbalingga",
            "province": "Jawa Tengah",
            "year": 2026,
            "agency": "Dinas Kependudukan dan Pencatatan Sipil",
            "form": "pelayanan_publik",
            "digital": True,
            "sector": "Administrasi Kependudukan",
            "stage": "uji_coba",
            "problem": "...",
            "solution": "...",
            "impact": "Lama layanan (hari) 14 → 1",
            "url": "https://labinov.example.go.id/inovasi/12/",
            "licence": "CC-BY-4.0",
            "updated": "2026-12-01T03:04:05.123456Z",
            "withdrawn": False,
        }
    ],
    "next": None,
}


def _not_modified(request, etag: str, last_modified) -> bool:
    match = request.headers.get("If-None-Match")
    if match is not None:
        tags = [t.strip() for t in match.split(",")]
        return "*" in tags or etag in tags or f"W/{etag}" in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since") or "")
    if since is not None and last_modified is not None:
        return int(last_modified.timestamp()) <= since
    return False


@router.get(
    "/open/innovations",
    response=FeedOut,
    auth=None,
    summary="Open feed of published innovations (no login)",
    openapi_extra={
        "responses": {
            200: {"content": {"application/json": {"example": FEED_EXAMPLE}}},
            304: {"description": "Not modified (If-None-Match or If-Modified-Since)"},
        }
    },
)
def open_innovations(
    request,
    since: str | None = Query(
        None, max_length=64, description="ISO 8601; only changes after this moment"
    ),
    after: int | None = Query(None, ge=1, le=MAX_ID, description="set by `next`"),
    limit: int = Query(feed.DEFAULT_LIMIT, ge=1, le=feed.MAX_LIMIT),
):
    """The installation's published innovations changed after ``since``, oldest change
    first, in the knowledge-base exchange format plus ``updated`` and ``withdrawn``.
    Follow ``next`` until it is null; keep the last ``updated`` for the next harvest.
    Answers carry an ETag and Last-Modified, and 304 to a matching If-None-Match or
    If-Modified-Since."""
    moment = None
    if since is not None:
        try:
            moment = feed.parse_moment(since)
        except feed.BadMoment as exc:
            raise ApiError(
                422,
                str(exc),
                "invalid",
                [{"field": "since", "message": str(exc)}],
            ) from None
    page = feed.changes(since=moment, after=after, limit=limit, absolute=request.build_absolute_uri)
    next_url = None
    if page.following is not None:
        at, pk = page.following
        next_url = request.build_absolute_uri(
            f"{request.path}?since={feed.iso(at).replace('+', '%2B')}&after={pk}&limit={limit}"
        )
    etag = page.etag(next_url)
    if _not_modified(request, etag, page.last_modified):
        response = HttpResponse(status=304)
    else:
        body = {"count": page.count, "items": page.items, "next": next_url}
        response = HttpResponse(
            json.dumps(body, cls=DjangoJSONEncoder, ensure_ascii=False),
            content_type="application/json",
        )
    response["ETag"] = quote_etag(etag.strip('"'))
    if page.last_modified is not None:
        response["Last-Modified"] = http_date(page.last_modified.timestamp())
    response["Cache-Control"] = "public, max-age=60"
    return response


class WithdrawIn(Schema):
    reason: str = Field(..., max_length=2000)


class WithdrawOut(Schema):
    source_id: str
    withdrawn: bool
    updated: datetime.datetime


@router.post(
    "/open/innovations/{innovation_id}/withdraw",
    response=WithdrawOut,
    summary="Withdraw a published innovation",
)
def withdraw(request, payload: WithdrawIn, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """Unpublish: the public no longer sees it, and the open feed marks it ``withdrawn``
    so that harvesters take it out. The region's coordinator or a platform administrator."""
    user = require_login(request)
    innovation = get_object_or_404(innovations_visible_to(user), pk=innovation_id)
    publication = actions.withdraw_innovation(
        acting_user=user, innovation=innovation, reason=payload.reason
    )
    return {
        "source_id": publication.source_id,
        "withdrawn": publication.withdrawn,
        "updated": publication.updated_at,
    }


class FeedProblemOut(Schema):
    row: int
    column: str
    reason: str


class FederatedFeedOut(Schema):
    id: int
    url: str
    name: str
    origin: str = Field(description="the knowledge base's `source` of its entries")
    active: bool
    interval_minutes: int
    status: str
    message: str
    problems: list[FeedProblemOut]
    cursor: datetime.datetime | None
    last_harvest_at: datetime.datetime | None
    next_harvest_at: datetime.datetime | None

    @staticmethod
    def resolve_origin(obj):
        return obj.source_key


class FeedIn(Schema):
    url: str = Field(..., max_length=500, examples=["https://labinov.example.go.id"])
    name: str = Field("", max_length=200)
    interval_minutes: int = Field(60, ge=5, le=60 * 24 * 30)


@router.get("/open/feeds", response=list[FederatedFeedOut], summary="Federated feeds")
@paginate(Pagination)
def list_feeds(request):
    """Other installations' feeds harvested here (platform administrators)."""
    user = require_login(request)
    return feeds_visible_to(user)


@router.post("/open/feeds", response={201: FederatedFeedOut}, summary="Register a feed")
def add_feed(request, payload: FeedIn):
    """Register another installation (its address or its feed's); harvested at once by a
    background worker, then every ``interval_minutes``."""
    user = require_login(request)
    created = actions.register_feed(
        acting_user=user,
        url=payload.url,
        name=payload.name,
        interval_minutes=payload.interval_minutes,
    )
    return Status(201, actions.queue_harvest(acting_user=user, feed=created))


@router.get("/open/feeds/{feed_id}", response=FederatedFeedOut, summary="One federated feed")
def get_feed(request, feed_id: int = Path(..., ge=1, le=MAX_ID)):
    user = require_login(request)
    return get_object_or_404(feeds_visible_to(user), pk=feed_id)


@router.post(
    "/open/feeds/{feed_id}/harvest",
    response={202: FederatedFeedOut},
    summary="Harvest a feed now",
)
def harvest_now(request, feed_id: int = Path(..., ge=1, le=MAX_ID)):
    """Queue a harvest; read the feed until its status is done, refused or failed."""
    user = require_login(request)
    target = get_object_or_404(feeds_visible_to(user), pk=feed_id)
    return Status(202, actions.queue_harvest(acting_user=user, feed=target))
