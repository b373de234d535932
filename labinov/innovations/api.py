"""The innovations API: the innovations a caller may see, and one innovation."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate

from labinov.core.api_support import MAX_ID, Pagination
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.innovations.selectors import innovations_visible_to, reads_work

router = Router(tags=["innovations"])

#: The innovations list's filters under their API names (typed, in the OpenAPI document).
InnovationFilters = InnovationFilterSet.api_schema("InnovationFilters")


class InnovationOut(Schema):
    id: int
    name: str
    unit: str
    unit_id: int
    region: str
    programme: int
    stage: str
    tahapan: str
    published: bool

    @staticmethod
    def resolve_unit(obj):
        return obj.enrolment.unit.name

    @staticmethod
    def resolve_unit_id(obj):
        return obj.enrolment.unit_id

    @staticmethod
    def resolve_region(obj):
        return obj.enrolment.programme.region.code

    @staticmethod
    def resolve_programme(obj):
        return obj.enrolment.programme_id

    @staticmethod
    def resolve_published(obj):
        return obj.published_at is not None


class MeasureOut(Schema):
    measure: str
    baseline: float | None
    target: float
    actual: float | None


class InnovationDetailOut(InnovationOut):
    initiator: str
    kind: str
    form: str
    affairs: str
    public_summary: str
    trial_date: datetime.date | None
    implementation_date: datetime.date | None
    launch_date: datetime.date | None
    published_at: datetime.datetime | None
    design_words: int | None
    aims: str | None
    benefits: str | None
    expected_results: str | None
    measures: list[MeasureOut]

    @staticmethod
    def resolve_measures(obj):
        return list(obj.service_measures.all()) if obj._reads_work else []

    @staticmethod
    def resolve_design_words(obj):
        return obj.design_words if obj._reads_work else None

    @staticmethod
    def resolve_aims(obj):
        return obj.aims if obj._reads_work else None

    @staticmethod
    def resolve_benefits(obj):
        return obj.benefits if obj._reads_work else None

    @staticmethod
    def resolve_expected_results(obj):
        return obj.expected_results if obj._reads_work else None


@router.get("/innovations", response=list[InnovationOut], summary="Innovations")
@paginate(Pagination)
def list_innovations(request, filters: Query[InnovationFilters]):
    """Innovations the caller may see: anonymous callers see the published ones only.

    Filter by region code, unit id, programme id, current stage and a dashboard figure
    (the filters of the innovations page, declared once in ``innovations/filtersets.py``).
    """
    qs = InnovationFilterSet.from_api(filters, queryset=innovations_visible_to(request.auth))
    return qs.qs_or_422().order_by("name", "id")


@router.get("/innovations/{innovation_id}", response=InnovationDetailOut, summary="One innovation")
def get_innovation(request, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The public fields of a published innovation; its whole record for the region's people."""
    innovation = get_object_or_404(innovations_visible_to(request.auth), pk=innovation_id)
    innovation._reads_work = reads_work(request.auth, innovation)
    return innovation
