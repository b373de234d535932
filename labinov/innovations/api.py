"""The innovations API: the innovations a caller may see, one innovation, and its gates
(decided by the same action and answered in the same shapes as a unit's)."""

import datetime
from enum import StrEnum

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from labinov.core import numbers
from labinov.core.api_support import MAX_ID, ApiError, Pagination, require_login
from labinov.core.errors import NotAllowed
from labinov.innovations import actions
from labinov.innovations.filtersets import InnovationFilterSet
from labinov.innovations.improvements import rollup_json, service_rollups
from labinov.innovations.measures import KINDS, Change, Row
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
from labinov.lab.selectors import decisions_of, programmes_visible_to
from labinov.regions.selectors import regions_visible_to

router = Router(tags=["innovations"])

#: The innovations list's filters under their API names (typed, in the OpenAPI document).
InnovationFilters = InnovationFilterSet.api_schema("InnovationFilters")
#: The service measures, as ``innovations/measures.py`` declares them.
MeasureKey = StrEnum("MeasureKey", {key: key for key in KINDS})


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


class ChangeOut(Schema):
    percent: float | None = Field(
        description="Change from the baseline in percent of it, positive when better; "
        "null where a percent means nothing (baseline 0, no actual value)"
    )
    state: str = Field(
        description="improved, worse, same, new_from_zero, up_from_zero, same_zero, "
        "no_actual or no_baseline"
    )
    text: str = Field(description='As people read it: "+37 %", "baru (dari 0)", "—"')
    explanation: str


class MeasureDetailOut(Schema):
    measure: str
    label: str
    unit: str = Field(description="days, rupiah, count, score or people")
    baseline: float | None
    target: float | None
    actual: float | None
    improvement: ChangeOut
    planned: ChangeOut = Field(description="The change the target would bring")
    text: dict[str, str] = Field(description="baseline, target and actual as people read them")


class SavingOut(Schema):
    value: float | None
    text: str
    formula: str
    missing: str = Field(description="Why there is no value, if there is none")


class ImprovementOut(Schema):
    innovation: int
    faster: ChangeOut
    cheaper: ChangeOut
    easier: ChangeOut
    transactions_per_year: int | None
    hours_per_visit: float | None
    rupiah_saved_per_year: SavingOut
    citizen_hours_saved_per_year: SavingOut
    people_served_per_year: float | None
    measures: list[MeasureDetailOut]


class MeasureIn(Schema):
    target: float = Field(ge=0)
    actual: float | None = Field(None, ge=0)
    baseline: float | None = Field(
        None, ge=0, description="Ignored where diagnose measured the baseline of the problem"
    )


class VolumeIn(Schema):
    transactions_per_year: int | None = Field(None, ge=0, le=2_000_000_000)
    hours_per_visit: float | None = Field(None, ge=0, le=168)


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
        # The service before and after is public with the innovation (its public profile).
        return list(obj.service_measures.all())

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


def _float(value):
    return float(value) if value is not None else None


def _change(c: Change) -> dict:
    return {
        "percent": _float(c.percent),
        "state": c.state,
        "text": c.text,
        "explanation": c.explanation,
    }


def _measure(r: Row) -> dict:
    return {
        "measure": r.measure,
        "label": r.label,
        "unit": r.kind.unit,
        "baseline": _float(r.values.baseline),
        "target": _float(r.values.target),
        "actual": _float(r.values.actual),
        "improvement": _change(r.achieved),
        "planned": _change(r.planned),
        "text": {w: r.show(w) for w in ("baseline", "target", "actual")},
    }


def _saving(saving, show) -> dict:
    return {
        "value": _float(saving.value),
        "text": show(saving.value),
        "formula": saving.formula,
        "missing": saving.missing,
    }


def _improvement(innovation) -> dict:
    imp = innovation.improvement
    return {
        "innovation": innovation.pk,
        "faster": _change(imp.faster),
        "cheaper": _change(imp.cheaper),
        "easier": _change(imp.easier),
        "transactions_per_year": innovation.transactions_per_year,
        "hours_per_visit": _float(innovation.hours_per_visit),
        "rupiah_saved_per_year": _saving(imp.rupiah_per_year, numbers.rupiah),
        "citizen_hours_saved_per_year": _saving(imp.hours_per_year, numbers.hours),
        "people_served_per_year": _float(imp.people_served),
        "measures": [_measure(r) for r in imp.rows],
    }


def _visible(request, innovation_id):
    return get_object_or_404(innovations_visible_to(request.auth), pk=innovation_id)


@router.get(
    "/innovations/{innovation_id}/measures",
    response=list[MeasureDetailOut],
    summary="An innovation's service measures",
)
@paginate(Pagination)
def list_measures(request, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """Baseline, target and actual of each measure, with units and the improvement
    (positive is better). Public with the innovation."""
    return [_measure(r) for r in _visible(request, innovation_id).improvement.rows]


@router.get(
    "/innovations/{innovation_id}/improvement",
    response=ImprovementOut,
    summary="Faster, cheaper, easier and the yearly savings of an innovation",
)
def get_improvement(request, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """The figures of docs/measures.md, each with its formula; public with the innovation."""
    return _improvement(_visible(request, innovation_id))


@router.put(
    "/innovations/{innovation_id}/measures/{measure}",
    response=MeasureDetailOut,
    summary="Set a service measure",
)
def put_measure(
    request,
    measure: MeasureKey,
    payload: MeasureIn,
    innovation_id: int = Path(..., ge=1, le=MAX_ID),
):
    """The unit's head and team, the region's coordinator or an administrator set the
    target and, later, the actual value (the same action as the page)."""
    user = require_login(request)
    innovation = _visible(request, innovation_id)
    actions.set_service_measure(
        acting_user=user,
        innovation=innovation,
        measure=str(measure),
        target=payload.target,
        actual=payload.actual,
        baseline=payload.baseline,
    )
    innovation = Innovation.objects.prefetch_related("service_measures").get(pk=innovation.pk)
    return next(_measure(r) for r in innovation.improvement.rows if r.measure == str(measure))


@router.put(
    "/innovations/{innovation_id}/service-volume",
    response=ImprovementOut,
    summary="Set transactions per year and hours a visit",
)
def put_volume(request, payload: VolumeIn, innovation_id: int = Path(..., ge=1, le=MAX_ID)):
    """What the yearly savings multiply by; answers the innovation's improvement."""
    user = require_login(request)
    innovation = _visible(request, innovation_id)
    actions.set_service_volume(
        acting_user=user,
        innovation=innovation,
        transactions_per_year=payload.transactions_per_year,
        hours_per_visit=payload.hours_per_visit,
    )
    return _improvement(Innovation.objects.get(pk=innovation.pk))


class RollUpOut(Schema):
    name: str
    id: int | None
    innovations: int
    measured: int
    faster: dict
    cheaper: dict
    easier: dict
    rupiah_saved_per_year: float | None = Field(
        description="Sum over the innovations that have the figure; null when none has"
    )
    citizen_hours_saved_per_year: float | None
    people_served_per_year: float | None
    text: dict[str, str]


class RollUpsOut(Schema):
    region: str
    programme: int | None
    total: RollUpOut
    by_unit: list[RollUpOut]
    by_programme: list[RollUpOut]


@router.get(
    "/regions/{code}/improvements",
    response=RollUpsOut,
    summary="A region's service improvements rolled up",
)
def get_rollups(
    request,
    code: str = Path(..., max_length=20),
    programme: int | None = Query(None, ge=1, le=MAX_ID),
):
    """A region's (or one of its programmes') service figures, with the same per unit and
    per programme, over the innovations the caller may see."""
    found = regions_visible_to(request.auth).filter(code=code).first()
    if found is None:
        raise ApiError(404, _("No region has the code %(code)s.") % {"code": code}, "not_found")
    qs = innovations_visible_to(request.auth).filter(enrolment__programme__region__code=code)
    name = str(found)
    if programme is not None:
        chosen = get_object_or_404(
            programmes_visible_to(request.auth).filter(region=found), pk=programme
        )
        qs = qs.filter(enrolment__programme=chosen)
        name = chosen.title
    data = service_rollups(qs, name=name)
    return {
        "region": found.code,
        "programme": programme,
        "total": _rollup_out(data["total"]),
        "by_unit": [_rollup_out(r) for r in data["by_unit"]],
        "by_programme": [_rollup_out(r) for r in data["by_programme"]],
    }


def _rollup_out(r) -> dict:
    out = rollup_json(r)
    for d in ("faster", "cheaper", "easier"):
        out[d] = {
            "average_percent": _float(out[d]["average_percent"]),
            "innovations": out[d]["innovations"],
        }
    for k in ("rupiah_saved_per_year", "citizen_hours_saved_per_year", "people_served_per_year"):
        out[k] = _float(out[k])
    return out
