"""The index under /api/v1/: a region's index (contract 9) and the rubric versions."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from labinov.accounts.access import get_access
from labinov.core.api_support import ApiError, Pagination, require_login
from labinov.index import actions
from labinov.index.models import Rubric
from labinov.index.selectors import (
    UnknownIndex,
    assessment_for,
    headline,
    region_by_code,
    region_index,
    region_innovations,
)

router = Router(tags=["index"])


class AspectOut(Schema):
    code: str
    name: str
    score: float
    max: float


class InnovationScoreOut(Schema):
    id: int
    name: str
    score: float


class IneligibleOut(Schema):
    id: int
    name: str
    reasons: list[str]


class IndexMissingOut(Schema):
    innovation: int | None
    innovation_name: str
    key: str
    number: int
    name: str
    level: int
    top: int
    has_evidence: bool
    points: float
    evidence_points: float


class IndexOut(Schema):
    region: str
    region_name: str
    year: int
    rubric: str
    index: float
    category: str
    total: float
    max_total: float
    divisor: int
    count_score: float
    eligible: int
    aspects: list[AspectOut]
    is_demo: bool
    innovations: list[InnovationScoreOut] | None = None
    ineligible: list[IneligibleOut] | None = None
    missing: list[IndexMissingOut] | None = None


class RubricOut(Schema):
    version: str
    edition: str
    file_name: str
    sha256: str
    in_use: bool


@router.get("/regions/{code}/index", response=IndexOut, summary="A region's innovation index")
def region_index_endpoint(request, code: str, year: int | None = None, rubric: str | None = None):
    """The regional innovation index (IID) for a year (default: the latest assessed), the
    same figures as `labinov score`. Index, category and aspects are public, as Kemendagri
    publishes them; the region's coordinator and leader also get the innovations, those
    not eligible with their reasons, and what is missing (index points each would add)."""
    if year is not None and not 1900 <= year <= 2200:
        raise ApiError(
            404, _("There is no assessment for year %(year)s.") % {"year": year}, "not_found"
        )
    try:
        region = region_by_code(code)
        result = region_index(region, year, rubric)
    except UnknownIndex as exc:
        raise ApiError(404, exc.message, "not_found") from exc
    answer = {**headline(result), "is_demo": result["is_demo"]}
    if get_access(request.auth).reads_index_of_region(region.pk):
        answer.update(
            innovations=result["innovations"],
            ineligible=result["ineligible"],
            missing=result["missing"],
        )
    return answer


@router.get("/index/rubrics", response=list[RubricOut], summary="Index rubric versions")
@paginate(Pagination)
def list_rubrics(request):
    return [
        {
            "version": r.version,
            "edition": r.edition,
            "file_name": r.file_name,
            "sha256": r.sha256,
            "in_use": r.is_used,
        }
        for r in Rubric.objects.order_by("version")
    ]


class AnswerIn(Schema):
    level: int = Field(ge=0, examples=[3])
    innovation: int | None = Field(
        None, description="The innovation, for an indicator answered per innovation."
    )
    evidence_link: str | None = Field(
        None, max_length=500, examples=["https://jdih.purbalinggakab.go.id/perbup-2022-12"]
    )
    evidence_note: str | None = Field(None, max_length=300)


class AnswerOut(Schema):
    item_key: str
    innovation: int | None = Field(alias="innovation_id")
    level: int
    has_evidence: bool
    evidence_link: str
    evidence_note: str


@router.put(
    "/regions/{code}/index/{year}/answers/{item_key}",
    response=AnswerOut,
    summary="Answer one indicator of a region's index assessment",
)
def set_answer(request, code: str, year: int, item_key: str, payload: AnswerIn):
    """The region's coordinator records an indicator's level as it lands (0 = not met),
    with a link to its evidence; the index of `GET /regions/{code}/index` follows at once.
    An indicator answered per innovation names the innovation. A level the rubric does not
    offer, an unknown indicator or an innovation of another region answers 400 and
    changes nothing."""
    user = require_login(request)
    try:
        region = region_by_code(code)
        assessment = assessment_for(region, year)
    except UnknownIndex as exc:
        raise ApiError(404, exc.message, "not_found") from exc
    innovation = None
    if payload.innovation is not None:
        innovation = get_object_or_404(region_innovations(region), pk=payload.innovation)
    return actions.set_answer(
        acting_user=user,
        assessment=assessment,
        item_key=item_key,
        level=payload.level,
        innovation=innovation,
        evidence_link=payload.evidence_link,
        evidence_note=payload.evidence_note,
    )
