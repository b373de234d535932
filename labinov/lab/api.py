"""The lab's API: programmes, their enrolled units, problems and gate decisions."""

import datetime
from enum import StrEnum
from typing import Literal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from labinov.core.api_support import ApiError, Pagination, conflict_response, require_login
from labinov.lab import actions
from labinov.lab.filtersets import ProgrammeFilterSet
from labinov.lab.models import GateDecision, LabProgramme
from labinov.lab.plan import plan_of
from labinov.lab.selectors import (
    current_stage,
    decisions_of,
    enrolments_visible_to,
    programmes_visible_to,
    readable_enrolment,
    with_enrolment_stages,
)
from labinov.lab.stages import STAGE_KEYS, Subject, keys_of
from labinov.regions.models import Unit
from labinov.regions.selectors import regions_visible_to

router = Router(tags=["lab"])

#: The programmes list's filters under their API names (``lab/filtersets.py``).
ProgrammeFilters = ProgrammeFilterSet.api_schema("ProgrammeFilters")

#: The declared stages (lab/stages.py), as the API names them.
StageKey = StrEnum("StageKey", {key: key for key in STAGE_KEYS})
ProgrammeStatus = StrEnum("ProgrammeStatus", {s.value: s.value for s in LabProgramme.Status})

PLAN_RULES = (
    "A stage does not end before it starts and has no end without a start; a stage does "
    "not start before the previous planned stage starts; every stage starts in the "
    "programme's year and ends in it or the next year. A plan that breaks a rule answers "
    "422 with each problem in `errors`, its `field` named `plan.<stage>.<start|end>`."
)


class StagePlanOut(Schema):
    stage: str
    start: datetime.date | None
    end: datetime.date | None


class StagePlanIn(Schema):
    stage: StageKey
    start: datetime.date | None = None
    end: datetime.date | None = None


def _plan_in(rows: list[StagePlanIn] | None) -> dict | None:
    if rows is None:
        return None
    stages = [row.stage.value for row in rows]
    twice = sorted({s for s in stages if stages.count(s) > 1})
    if twice:
        raise ApiError(
            422,
            _("Each stage may appear once in the plan: %(stages)s appear more often.")
            % {"stages": ", ".join(twice)},
            "invalid",
            [{"field": "plan", "message": str(_("Each stage may appear once in the plan."))}],
        )
    return plan_of([{**row.dict(), "stage": row.stage.value} for row in rows])


class ProgrammeIn(Schema):
    region: str = Field(description="the region's code, e.g. 33.03")
    name: str = Field(max_length=250)
    year: int = Field(ge=2000, le=2100)
    status: ProgrammeStatus = ProgrammeStatus.draft
    is_public: bool = False
    pact_text: str = ""
    plan: list[StagePlanIn] = Field(
        default_factory=list,
        description="planned dates, one item per stage (stages left out have none). " + PLAN_RULES,
    )


class ProgrammePatch(Schema):
    name: str | None = Field(None, max_length=250)
    year: int | None = Field(None, ge=2000, le=2100)
    status: ProgrammeStatus | None = None
    is_public: bool | None = None
    pact_text: str | None = None
    plan: list[StagePlanIn] | None = Field(
        None,
        description="the stages to change: each item sets that stage's start and end (both "
        "null removes its dates); stages left out keep theirs. " + PLAN_RULES,
    )


class ProgrammeOut(Schema):
    id: int
    name: str
    region: str
    year: int
    stage: str
    status: str
    is_public: bool

    @staticmethod
    def resolve_name(obj):
        return obj.title

    @staticmethod
    def resolve_region(obj):
        return obj.region.code

    @staticmethod
    def resolve_stage(obj):
        return current_stage(obj)


class ProgrammeDetailOut(ProgrammeOut):
    region_name: str
    enrolment_count: int
    plan: list[StagePlanOut]

    @staticmethod
    def resolve_region_name(obj):
        return obj.region.name

    @staticmethod
    def resolve_enrolment_count(obj):
        return obj.enrolments.count()

    @staticmethod
    def resolve_plan(obj):
        return [{**row, "stage": row["stage"].key} for row in obj.plan()]


class EnrolmentOut(Schema):
    id: int
    programme: int
    unit_id: int
    unit: str
    unit_kind: str
    stage: str

    @staticmethod
    def resolve_programme(obj):
        return obj.programme_id

    @staticmethod
    def resolve_unit(obj):
        return obj.unit.name

    @staticmethod
    def resolve_unit_kind(obj):
        return obj.unit.kind


class MissingObjectOut(Schema):
    type: str = Field(description="what the object is: enrolment, problem, idea, innovation, ...")
    id: int
    name: str


class MissingOut(Schema):
    key: str = Field(description="the requirement of the stage's gate")
    label: str = Field(description="what is missing, naming the object it concerns")
    object: MissingObjectOut | None = Field(
        None, description="the object the item concerns (None for decisions recorded before)"
    )


class GateDecisionOut(Schema):
    id: int
    enrolment: int | None = Field(description="the unit's enrolment, for its own decisions")
    innovation: int | None = Field(description="the innovation, for its own decisions")
    from_stage: str
    to_stage: str
    decision: str
    reason: str
    missing: list[MissingOut]
    decided_by: str
    decided_at: datetime.datetime

    @staticmethod
    def resolve_enrolment(obj):
        return obj.enrolment_id

    @staticmethod
    def resolve_innovation(obj):
        return obj.innovation_id

    @staticmethod
    def resolve_decided_by(obj):
        return obj.decided_by_name


#: What a decider may answer at a gate (reopening has its own endpoint).
GateAnswer = StrEnum("GateAnswer", {d.value: d.value for d in GateDecision.GATE_ANSWERS})


class GateDecisionIn(Schema):
    stage: Literal[STAGE_KEYS] = Field(
        description="The stage whose gate is decided: the current stage as the caller saw "
        "it. A decision of a stage decided meanwhile answers 409 and changes nothing."
    )
    decision: GateAnswer
    reason: str = Field(description="the decider's own reason, kept with the decision")

    model_config = {
        "json_schema_extra": {
            "examples": [
                {
                    "stage": keys_of(Subject.ENROLMENT)[-1],
                    "decision": "approved",
                    "reason": "Lengkap dan jelas.",
                }
            ]
        }
    }


class ReopenIn(Schema):
    reason: str


#: The OpenAPI examples of a gate decision's answers (shared by every subject's endpoint).
GATE_EXAMPLES = {
    "responses": {
        "400": {
            "description": "The approval is refused (recorded and audited): `errors` lists the "
            "missing items, each naming the object it concerns; or the action is refused.",
            "content": {
                "application/json": {
                    "schema": {"$ref": "#/components/schemas/Error"},
                    "examples": {
                        "gate_refused": {
                            "summary": "An approval with items missing, recorded as a refusal",
                            "value": {
                                "message": "Gerbang ditolak: hal-hal berikut belum ada: Masalah "
                                "'Perekaman KTP-el' belum memiliki penyebab.",
                                "code": "gate_refused",
                                "errors": [
                                    {
                                        "field": "causes_analysed",
                                        "message": "Masalah 'Perekaman KTP-el' belum "
                                        "memiliki penyebab",
                                    }
                                ],
                            },
                        }
                    },
                }
            },
        },
        **conflict_response()["responses"],
    }
}


def gate_decision_answer(payload: GateDecisionIn, record: GateDecision):
    """The answer to a gate decision, for every kind of subject: 201 with the decision, or
    400 ``gate_refused`` when an approval was recorded as a refusal for missing items."""
    if payload.decision == GateDecision.Decision.APPROVED and record.missing:
        raise ApiError(
            400,
            _("The gate is refused: these items are missing: %(items)s.")
            % {"items": "; ".join(m["label"] for m in record.missing)},
            "gate_refused",
            [{"field": m["key"], "message": m["label"]} for m in record.missing],
        )
    return Status(201, record)


@router.get("/programmes", response=list[ProgrammeOut], summary="Lab programmes")
@paginate(Pagination)
def list_programmes(request, filters: Query[ProgrammeFilters]):
    """Programmes the caller may see: anonymous callers see the public ones. The filters
    are the programmes page's (``lab/filtersets.py``)."""
    qs = with_enrolment_stages(programmes_visible_to(request.auth))
    return ProgrammeFilterSet.from_api(filters, queryset=qs).qs_or_422()


@router.get("/programmes/{programme_id}", response=ProgrammeDetailOut, summary="One programme")
def get_programme(request, programme_id: int):
    return get_object_or_404(programmes_visible_to(request.auth), pk=programme_id)


@router.post("/programmes", response={201: ProgrammeDetailOut}, summary="Create a programme")
def create_programme(request, payload: ProgrammeIn):
    """The region's coordinator (or a platform administrator) creates a programme with its
    planned dates."""
    user = require_login(request)
    region = regions_visible_to(user).filter(code=payload.region).first()
    if region is None:
        message = _("There is no region with the code %(code)s.") % {"code": payload.region}
        raise ApiError(422, message, "invalid", [{"field": "region", "message": message}])
    data = payload.dict(exclude={"region", "name", "plan"})
    programme = actions.create_programme(
        acting_user=user,
        region=region,
        title=payload.name,
        plan=_plan_in(payload.plan),
        **{**data, "status": payload.status.value},
    )
    return Status(201, programme)


@router.patch(
    "/programmes/{programme_id}", response=ProgrammeDetailOut, summary="Change a programme"
)
def update_programme(request, programme_id: int, payload: ProgrammePatch):
    """The region's coordinator changes a programme: only the fields sent change."""
    user = require_login(request)
    programme = get_object_or_404(programmes_visible_to(user), pk=programme_id)
    data = payload.dict(exclude_unset=True, exclude={"plan"})
    empty = sorted(k for k, v in data.items() if v is None)
    if empty:
        raise ApiError(
            422,
            _("These fields cannot be null: %(fields)s.") % {"fields": ", ".join(empty)},
            "invalid",
            [{"field": k, "message": str(_("This field is required."))} for k in empty],
        )
    if "name" in data:
        data["title"] = data.pop("name")
    if "status" in data:
        data["status"] = data["status"].value
    return actions.update_programme(
        acting_user=user,
        programme=programme,
        plan=_plan_in(payload.plan if "plan" in payload.model_fields_set else None),
        **data,
    )


@router.get(
    "/programmes/{programme_id}/enrolments",
    response=list[EnrolmentOut],
    summary="Units enrolled in a programme, with their stage",
)
@paginate(Pagination)
def list_enrolments(request, programme_id: int, stage: str | None = None):
    programme = get_object_or_404(programmes_visible_to(request.auth), pk=programme_id)
    qs = enrolments_visible_to(request.auth, programme=programme)
    if stage:
        qs = qs.filter(stage=stage)
    return qs


class EnrolUnitIn(Schema):
    unit: int = Field(description="the id of a unit of the programme's region")


@router.post(
    "/programmes/{programme_id}/enrolments",
    response={201: EnrolmentOut},
    summary="Enrol one unit in a programme",
)
def enrol_unit(request, programme_id: int, payload: EnrolUnitIn):
    """The region's coordinator enrols one chosen unit. A unit of another region, or one
    already enrolled, answers 400 and nothing changes (enrolling by kind is a page's form)."""
    user = require_login(request)
    programme = get_object_or_404(programmes_visible_to(user), pk=programme_id)
    unit = Unit.objects.filter(pk=payload.unit).first()
    if unit is None:
        message = _("There is no unit with the id %(id)s.") % {"id": payload.unit}
        raise ApiError(422, message, "invalid", [{"field": "unit", "message": message}])
    enrolment = actions.enrol_unit(acting_user=user, programme=programme, unit=unit)
    return Status(201, enrolment)


@router.delete(
    "/programmes/{programme_id}/enrolments/{enrolment_id}",
    response={204: None},
    summary="Remove one unit's enrolment",
)
def remove_enrolment(request, programme_id: int, enrolment_id: int):
    """The region's coordinator takes a unit out of the programme while it has no work in
    it yet (no pact, team, problem, decision, innovation...); otherwise 400, nothing
    changes."""
    user = require_login(request)
    programme = get_object_or_404(programmes_visible_to(user), pk=programme_id)
    enrolment = get_object_or_404(programme.enrolments.select_related("unit"), pk=enrolment_id)
    actions.remove_enrolment(acting_user=user, enrolment=enrolment)
    return Status(204, None)


def _workspace(request, enrolment_id):
    return readable_enrolment(request.auth, enrolment_id)


@router.get(
    "/enrolments/{enrolment_id}/gate-decisions",
    response=list[GateDecisionOut],
    summary="Gate decisions of an enrolled unit",
)
@paginate(Pagination)
def list_gate_decisions(request, enrolment_id: int):
    enrolment = _workspace(request, enrolment_id)
    return decisions_of(enrolment)


@router.post(
    "/enrolments/{enrolment_id}/gate-decisions",
    response={201: GateDecisionOut},
    summary="Decide the gate of the unit's current stage",
    openapi_extra=GATE_EXAMPLES,
)
def decide_gate(request, enrolment_id: int, payload: GateDecisionIn):
    """An approval with requirements missing is recorded as a refusal and answers 400 with
    the missing items in ``errors``, each naming the object it concerns (the problem
    without a cause, ...). ``stage`` names the stage decided: when it is no longer the
    current one (another decision came first) the answer is 409 and nothing is recorded.
    The same action decides an innovation's gates
    (``POST /innovations/{id}/gate-decisions``)."""
    user = require_login(request)
    enrolment = _workspace(request, enrolment_id)
    record = actions.decide_gate(
        acting_user=user,
        subject=enrolment,
        stage=payload.stage,
        decision=payload.decision,
        reason=payload.reason,
    )
    return gate_decision_answer(payload, record)


@router.post(
    "/enrolments/{enrolment_id}/reopen",
    response={201: GateDecisionOut},
    summary="Reopen the unit's previous stage",
)
def reopen_stage(request, enrolment_id: int, payload: ReopenIn):
    """A coach moves the unit back to its previous stage, with a reason, so that the work
    that stage allows (problems and ideas, after diagnose) can change again. The reopening
    is kept in the unit's gate decisions."""
    user = require_login(request)
    enrolment = _workspace(request, enrolment_id)
    record = actions.reopen_stage(acting_user=user, subject=enrolment, reason=payload.reason)
    return Status(201, record)
