"""The portal's API: the public gallery and filing a citizen's proposal (no login, the
same throttle and honeypot as the form), and the moderators' list and decisions."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import Field

from labinov.accounts import throttle
from labinov.core.api_support import (
    MAX_ID,
    ApiError,
    Pagination,
    error_response,
    require_login,
)
from labinov.core.errors import ActionError
from labinov.portal import actions, selectors
from labinov.portal.filtersets import GalleryFilterSet
from labinov.portal.forms import HONEYPOT
from labinov.portal.models import Proposal
from labinov.regions.models import Region

router = Router(tags=["portal"])


class GalleryItemOut(Schema):
    id: int
    name: str
    unit: str
    region: str
    sector: str
    year: int
    summary: str
    published: str
    url: str

    @staticmethod
    def resolve_unit(obj):
        return obj.enrolment.unit.name

    @staticmethod
    def resolve_region(obj):
        return obj.enrolment.programme.region.code

    @staticmethod
    def resolve_sector(obj):
        return obj.affairs

    @staticmethod
    def resolve_year(obj):
        return obj.enrolment.programme.year

    @staticmethod
    def resolve_summary(obj):
        return obj.public_summary

    @staticmethod
    def resolve_published(obj):
        return obj.published_at.isoformat()

    @staticmethod
    def resolve_url(obj):
        return obj.get_absolute_url()


GalleryFilters = GalleryFilterSet.api_schema("GalleryFilters")


def _region(code: str) -> Region:
    """The region named by a parameter: an unknown code is a value that cannot be used."""
    region = Region.objects.filter(code=code).first()
    if region is None:
        message = _("No region has this code.")
        raise ApiError(422, message, "invalid", [{"field": "region", "message": message}])
    return region


@router.get(
    "/portal/gallery",
    response=list[GalleryItemOut],
    auth=None,
    summary="A region's gallery of published innovations (no login)",
)
@paginate(Pagination)
def gallery(
    request,
    region: str = Query(..., max_length=20, description="the region's code, e.g. 33.03"),
    filters: Query[GalleryFilters] = None,
):
    """The same list as the page /publik/{code}/galeri/: published innovations only,
    newest first."""
    qs = selectors.published_innovations(_region(region))
    return GalleryFilterSet.from_api(filters, qs).qs_or_422().order_by("-published_at", "-id")


class ProposalIn(Schema):
    region: str = Field(max_length=20, description="the region's code")
    service: str = Field(max_length=actions.LIMITS["service"])
    problem: str = Field(max_length=actions.LIMITS["problem"])
    idea: str = Field(max_length=actions.LIMITS["idea"])
    name: str = Field("", max_length=actions.LIMITS["name"], description="optional")
    contact: str = Field("", max_length=actions.LIMITS["contact"], description="optional")
    website: str = Field("", max_length=200, description="leave empty (spam trap)")


class FiledOut(Schema):
    status: str
    status_url: str = Field(description="the proposer's private link to follow the proposal")


class ProposalStatusOut(Schema):
    region: str
    service: str
    status: str
    status_label: str
    reason: str
    created: str


class ProposalOut(Schema):
    id: int
    region: str
    service: str
    problem: str
    idea: str
    name: str
    contact: str
    status: str
    reason: str
    created: str
    idea_id: int | None

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_created(obj):
        return obj.created_at.isoformat()

    @staticmethod
    def resolve_idea_id(obj):
        return obj.lab_idea_id


class DecisionIn(Schema):
    decision: str = Field(description="accept, reject or spam", max_length=10)
    reason: str = Field("", max_length=2000, description="required to reject")


class ToIdeaIn(Schema):
    enrolment: int = Field(
        ge=1, le=MAX_ID, description="the unit's enrolment in the current programme"
    )
    title: str = Field(max_length=250, description="the idea's name")
    reason: str = Field("", max_length=2000)


@router.post(
    "/portal/proposals",
    response={201: FiledOut},
    summary="File a citizen's proposal (no login)",
    openapi_extra={"responses": {429: {"description": "Too many proposals from one address"}}},
)
def file_proposal(request, payload: ProposalIn):
    """No account needed. At most ``LABINOV_PROPOSALS_PER_ADDRESS`` an hour from one client
    address (429 with Retry-After beyond). Keep ``status_url``: it is the only key to the
    proposal's status."""
    data = payload.dict()
    if (data.pop(HONEYPOT) or "").strip():
        throttle.proposal_refused_until(request)
        raise ApiError(400, _("The proposal could not be accepted."), "refused")
    region = _region(data.pop("region"))
    try:
        actions.clean_proposal(data)  # a bad proposal is refused before it is counted
    except ActionError as exc:
        raise ApiError(
            422, exc.message, "invalid", [{"field": exc.field, "message": str(exc.message)}]
        ) from exc
    until = throttle.proposal_refused_until(request)
    if until is not None:
        response = error_response(429, throttle.proposal_wait_message(until), "throttled")
        response["Retry-After"] = str(throttle.retry_after_seconds(until))
        return response
    proposal = actions.file_proposal(acting_user=request.auth, region=region, **data)
    return Status(
        201,
        {
            "status": proposal.status,
            "status_url": request.build_absolute_uri(proposal.get_status_url()),
        },
    )


@router.get(
    "/portal/proposals/status/{token}",
    response=ProposalStatusOut,
    auth=None,
    summary="A proposal's status, by its private link's token (no login)",
)
def proposal_status(request, token: str):
    proposal = selectors.proposal_by_token(token)
    if proposal is None:
        raise ApiError(
            404,
            _("No proposal has this link. Check that the whole link was copied."),
            "not_found",
        )
    return {
        "region": proposal.region.code,
        "service": proposal.service,
        "status": proposal.status,
        "status_label": str(proposal.get_status_display()),
        "reason": proposal.reason,
        "created": proposal.created_at.isoformat(),
    }


@router.get("/portal/proposals", response=list[ProposalOut], summary="Proposals to moderate")
@paginate(Pagination)
def list_proposals(request, status: Proposal.Status | None = None):
    """The coordinator's queue: the open proposals first, with the proposer's contact."""
    qs = selectors.proposals_moderated_by(require_login(request))
    if status:
        qs = qs.filter(status=status)
    return qs


@router.post(
    "/portal/proposals/{proposal_id}/decision",
    response=ProposalOut,
    summary="Accept, reject or mark a proposal as spam",
)
def decide(request, proposal_id: int, payload: DecisionIn):
    user = require_login(request)
    proposal = get_object_or_404(selectors.proposals_moderated_by(user), pk=proposal_id)
    return actions.decide_proposal(acting_user=user, proposal=proposal, **payload.dict())


@router.post(
    "/portal/proposals/{proposal_id}/idea",
    response=ProposalOut,
    summary="Pass a proposal to a unit as an idea",
)
def to_idea(request, proposal_id: int, payload: ToIdeaIn):
    user = require_login(request)
    proposal = get_object_or_404(selectors.proposals_moderated_by(user), pk=proposal_id)
    enrolment = get_object_or_404(
        selectors.current_enrolments(proposal.region), pk=payload.enrolment
    )
    return actions.turn_into_idea(
        acting_user=user,
        proposal=proposal,
        enrolment=enrolment,
        title=payload.title,
        reason=payload.reason,
    )
