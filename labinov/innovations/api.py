"""The innovations API: the innovations a caller may see, one innovation, and its gates
(decided by the same action and answered in the same shapes as a unit's)."""

import datetime

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from labinov.core.api_support import MAX_ID, Pagination, require_login
from labinov.core.errors import NotAllowed
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.innovations.models import Innovation
from labinov.innovations.selectors import innovations_visible_to, reads_work
from labinov.lab import actions as gate_actions
from labinov.lab.api import (
    GATE_EXAMPLES,
    GateDecisionIn,
    GateDecisionOut,
    ReopenIn,
    gate_decision_answer,
)
from labinov.lab.selectors import decisions_of

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


def _work(request, innovation_id: int) -> Innovation:
    """The innovation, if the caller reads its whole record (404 when they may not see it,
    403 when they see only its public summary)."""
    innovation = get_object_or_404(innovations_visible_to(request.auth), pk=innovation_id)
    if not reads_work(request.auth, innovation):
        raise NotAllowed(_("You may not see the work of this innovation."))
    return innovation


@router.get(
    "/innovations/{innovation_id}/gate-decisions",
    response=list[GateDecisionOut],
    summary="Gate decisions of an innovation",
)
@paginate(Pagination)
def list_gate_decisions(request, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The innovation's own gate decisions (design to documentation), newest first."""
    return decisions_of(_work(request, innovation_id))


@router.post(
    "/innovations/{innovation_id}/gate-decisions",
    response={201: GateDecisionOut},
    summary="Decide the gate of the innovation's current stage",
    openapi_extra=GATE_EXAMPLES,
)
def decide_gate(request, payload: GateDecisionIn, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The same action, checks and answers as a unit's gate
    (``POST /enrolments/{id}/gate-decisions``): 201 with the decision; 400 ``gate_refused``
    when an approval is recorded as a refusal, the missing items in ``errors``, each naming
    the object it concerns (a step without evidence, ...); 409 when ``stage`` is no longer
    the current stage. Passing display publishes the innovation."""
    user = require_login(request)
    innovation = _work(request, innovation_id)
    record = gate_actions.decide_gate(
        acting_user=user,
        subject=innovation,
        stage=payload.stage,
        decision=payload.decision,
        reason=payload.reason,
    )
    return gate_decision_answer(payload, record)


@router.post(
    "/innovations/{innovation_id}/reopen",
    response={201: GateDecisionOut},
    summary="Reopen the stage the innovation last passed",
)
def reopen_stage(request, payload: ReopenIn, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """A coach moves the innovation back to the stage it last passed, with a reason, so
    that the work that stage allows can change again. Kept in its gate decisions."""
    user = require_login(request)
    innovation = _work(request, innovation_id)
    record = gate_actions.reopen_stage(acting_user=user, subject=innovation, reason=payload.reason)
    return Status(201, record)
