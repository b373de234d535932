from datetime import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from labinov.core.api_support import Pagination, require_login
from labinov.core.errors import ActionError, NotAllowed
from labinov.innovations.actions.replication import replicate_entry
from labinov.innovations.selectors import enrolments_to_start_innovations
from labinov.lab.models import Enrolment
from labinov.library.actions import may_import
from labinov.library.filtersets import LibraryFilterSet
from labinov.library.selectors import (
    embedding_progress,
    entries_visible_to,
    replications_of,
    search_entries,
    similar_entries,
)

router = Router(tags=["knowledge base"])


class EntryOut(Schema):
    id: int
    source: str
    source_id: str
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
    replication_count: int


class HitOut(Schema):
    id: int
    source_id: str
    name: str
    region: str
    province: str
    year: int | None
    sector: str
    form: str
    digital: bool | None
    stage: str
    score: float
    snippet: str = Field(
        description="a passage around the matching words, as HTML: the text escaped, "
        "the matching words in <mark>"
    )


class FacetValue(Schema):
    value: str | int | bool
    count: int


class SearchOut(Schema):
    count: int
    items: list[HitOut]
    facets: dict[str, list[FacetValue]]
    corrections: dict[str, str] = Field(description="misspelt words and the stem searched")


class SimilarOut(HitOut):
    near_duplicate: bool


#: The knowledge base's filters under their API names, declared in ``library/filtersets.py``.
Filters = LibraryFilterSet.api_schema("LibraryFilters")


def _hit(entry, score, snippet) -> dict:
    return {
        **{f: getattr(entry, f) for f in HitOut.model_fields if hasattr(entry, f)},
        "id": entry.pk,
        "score": score,
        "snippet": snippet,
    }


@router.get("/library/search", response=SearchOut, summary="Search the knowledge base")
def search(
    request,
    filters: Query[Filters],
    q: str = Query(..., min_length=1, max_length=500, description="what to look for"),
    limit: int = Query(10, ge=1, le=100),
    offset: int = Query(0, ge=0, le=1000),
):
    """Indonesian-aware search (stems, stop words, variants, small misspellings), best
    first, with facet counts over the results."""
    checked = LibraryFilterSet.from_api(filters)
    checked.qs_or_422()
    results = search_entries(
        request.auth,
        q,
        filters=checked.values(),
        limit=limit,
        offset=offset,
        with_facets=True,
    )
    return {
        "count": results.count,
        "items": [_hit(h.entry, h.score, h.snippet) for h in results.hits],
        "facets": {
            name: [{"value": v, "count": n} for v, n in values]
            for name, values in results.facets.items()
        },
        "corrections": results.query.corrections if results.query else {},
    }


@router.get("/library/similar", response=list[SimilarOut], summary="Similar innovations")
def similar(
    request,
    text: str = Query(..., min_length=1, max_length=5000),
    region: str | None = None,
    limit: int = Query(5, ge=1, le=20),
):
    """Entries that address the need described in ``text``; those of ``region`` that match
    most of it are flagged ``near_duplicate``."""
    return [
        {**_hit(s.entry, s.score, s.snippet), "near_duplicate": s.near_duplicate}
        for s in similar_entries(text, region=region, limit=limit)
    ]


@router.get("/library", response=list[EntryOut], summary="Knowledge-base entries")
@paginate(Pagination)
def list_entries(request, filters: Query[Filters]):
    checked = LibraryFilterSet.from_api(filters, queryset=entries_visible_to(request.auth))
    return checked.qs_or_422().order_by("name", "id")


class ReplicationOut(Schema):
    id: int
    source_entry_id: int
    innovation_id: int
    innovation_name: str
    innovation_url: str
    unit: str
    region: str
    observed: str
    imitated: str
    modified: str
    created_at: datetime


class EntryDetailOut(EntryOut):
    replications: list[ReplicationOut]


class ReplicateIn(Schema):
    enrolment_id: int
    name: str = Field("", max_length=250)
    observed: str = Field("", max_length=5000)
    imitated: str = Field("", max_length=5000)
    modified: str = Field("", max_length=5000)
    again: bool = Field(
        False,
        description="Start another innovation although the unit replicated this entry before "
        "(without it, that answers 400 naming the earlier innovation).",
    )


def _replication(r) -> dict:
    unit = r.innovation.enrolment.unit
    return {
        "id": r.pk,
        "source_entry_id": r.source_id,
        "innovation_id": r.innovation_id,
        "innovation_name": r.innovation.name,
        "innovation_url": r.innovation.get_absolute_url(),
        "unit": unit.name,
        "region": unit.region.name,
        "observed": r.observed,
        "imitated": r.imitated,
        "modified": r.modified,
        "created_at": r.created_at,
    }


class EmbeddingRunOut(Schema):
    status: str
    missing_at_start: int = Field(description="entries without a vector when it started")
    embedded: int = Field(description="entries it has embedded so far")
    message: str = Field(description="why it failed, when it did")
    started_at: datetime
    updated_at: datetime
    finished_at: datetime | None


class EmbeddingProgressOut(Schema):
    enabled: bool
    entries: int
    embedded: int
    missing: int
    estimated_end: datetime | None = Field(description="at the pace of the running run")
    runs: list[EmbeddingRunOut] = Field(description="the latest runs, newest first")


@router.get(
    "/library/embeddings",
    response=EmbeddingProgressOut,
    summary="Progress of the knowledge base's sentence embeddings (administrators)",
)
def embeddings_progress(request):
    user = require_login(request)
    if not may_import(user):
        raise NotAllowed(_("Only region coordinators and platform administrators may see this."))
    progress = embedding_progress()
    return {
        "enabled": progress.enabled,
        "entries": progress.entries,
        "embedded": progress.embedded,
        "missing": progress.missing,
        "estimated_end": progress.estimated_end,
        "runs": progress.runs,
    }


@router.get("/library/{entry_id}", response=EntryDetailOut, summary="One knowledge-base entry")
def get_entry(request, entry_id: int):
    """The entry, with how many times and by whom it was replicated."""
    entry = get_object_or_404(entries_visible_to(request.auth), pk=entry_id)
    data = {f: getattr(entry, f) for f in EntryOut.model_fields if f != "id"}
    return {
        **data,
        "id": entry.pk,
        "replications": [_replication(r) for r in replications_of(entry)],
    }


@router.post(
    "/library/{entry_id}/replicate",
    response={201: ReplicationOut},
    summary="Replicate an entry in one's own unit (Amati, Tiru, Modifikasi)",
)
def replicate(request, entry_id: int, payload: ReplicateIn):
    """Start an innovation in ``enrolment_id``'s unit, pre-filled from the entry and linked
    to it. ``observed``, ``imitated`` and ``modified`` are required."""
    user = require_login(request)
    entry = get_object_or_404(entries_visible_to(user), pk=entry_id)
    enrolment = enrolments_to_start_innovations(user).filter(pk=payload.enrolment_id).first()
    if enrolment is None:
        enrolment = Enrolment.objects.select_related("unit").filter(pk=payload.enrolment_id).first()
        if enrolment is None:
            raise ActionError(_("There is no such enrolment."), field="enrolment_id")
    replication = replicate_entry(
        acting_user=user,
        entry=entry,
        enrolment=enrolment,
        name=payload.name,
        observed=payload.observed,
        imitated=payload.imitated,
        modified=payload.modified,
        again=payload.again,
    )
    return Status(201, _replication(replication))
