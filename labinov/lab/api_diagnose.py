"""The diagnose work of a unit through the API: problems, their causes and USG scores, and
ideas. Each endpoint calls the action its page calls, so the same people may do the same
things at the same stages, and a refusal answers with the page's message."""

from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from labinov.core.api_support import Pagination, require_login
from labinov.lab import actions
from labinov.lab.actions.diagnose import PROBLEM_REQUIRED
from labinov.lab.models import CRITERIA, Cause, Idea
from labinov.lab.selectors import problems_visible_to, readable_enrolment, usg_ranking

router = Router(tags=["lab"])

CRITERION_KEYS = tuple(key for key, _label in CRITERIA)


class ProblemIn(Schema):
    service: str = Field(max_length=200, examples=["Perekaman KTP-el"])
    description: str = Field(
        examples=["Warga menunggu blangko KTP-el sampai tiga bulan dan datang tiga kali."]
    )
    affected: str = Field(examples=["Warga dewasa yang baru berusia 17 tahun"])
    evidence_text: str = ""
    evidence_link: str = Field("", max_length=500)
    baseline_days: Decimal | None = Field(None, ge=0, examples=[90])
    baseline_cost: int | None = Field(None, ge=0, examples=[50000])
    baseline_steps: int | None = Field(None, ge=0, examples=[6])
    baseline_requirements: int | None = Field(None, ge=0)
    baseline_complaints: int | None = Field(None, ge=0)
    baseline_satisfaction: Decimal | None = Field(None, ge=0, le=100)


class ProblemPatch(Schema):
    """Only the fields sent change."""

    service: str | None = Field(None, max_length=200)
    description: str | None = None
    affected: str | None = None
    evidence_text: str | None = None
    evidence_link: str | None = Field(None, max_length=500)
    baseline_days: Decimal | None = Field(None, ge=0)
    baseline_cost: int | None = Field(None, ge=0)
    baseline_steps: int | None = Field(None, ge=0)
    baseline_requirements: int | None = Field(None, ge=0)
    baseline_complaints: int | None = Field(None, ge=0)
    baseline_satisfaction: Decimal | None = Field(None, ge=0, le=100)


class CauseIn(Schema):
    category: Cause.Category = Field(examples=["metode"])
    text: str = Field(max_length=300, examples=["Berkas diperiksa manual di kantor dinas"])


class CauseOut(Schema):
    id: int
    category: str
    text: str


class UsgIn(Schema):
    urgency: int = Field(ge=1, le=5, examples=[5])
    seriousness: int = Field(ge=1, le=5, examples=[4])
    growth: int = Field(ge=1, le=5, examples=[4])


class UsgOut(Schema):
    problem: int = Field(alias="problem_id")
    urgency: int
    seriousness: int
    growth: int


class IdeaIn(Schema):
    title: str = Field(max_length=250, examples=["Akta lahir langsung dari puskesmas"])
    description: str = Field(
        "", examples=["Bidan mengunggah berkas kelahiran; akta elektronik dikirim ke orang tua."]
    )
    is_new: bool = False
    is_new_note: str = Field("", max_length=300)
    benefits: bool = False
    benefits_note: str = Field("", max_length=300)
    no_burden: bool = False
    no_burden_note: str = Field("", max_length=300)
    in_authority: bool = False
    in_authority_note: str = Field("", max_length=300)
    replicable: bool = False
    replicable_note: str = Field("", max_length=300)


class IdeaPatch(Schema):
    """Only the fields sent change."""

    title: str | None = Field(None, max_length=250)
    description: str | None = None
    is_new: bool | None = None
    is_new_note: str | None = Field(None, max_length=300)
    benefits: bool | None = None
    benefits_note: str | None = Field(None, max_length=300)
    no_burden: bool | None = None
    no_burden_note: str | None = Field(None, max_length=300)
    in_authority: bool | None = None
    in_authority_note: str | None = Field(None, max_length=300)
    replicable: bool | None = None
    replicable_note: str | None = Field(None, max_length=300)


class IdeaOut(Schema):
    id: int
    problem: int = Field(alias="problem_id")
    title: str
    description: str
    is_new: bool
    benefits: bool
    no_burden: bool
    in_authority: bool
    replicable: bool
    criteria_met: int


class ProblemDetailOut(Schema):
    id: int
    enrolment: int = Field(alias="enrolment_id")
    service: str
    description: str
    affected: str
    evidence_text: str
    evidence_link: str
    baseline_days: float | None
    baseline_cost: int | None
    baseline_steps: int | None
    baseline_requirements: int | None
    baseline_complaints: int | None
    baseline_satisfaction: float | None
    causes: list[CauseOut]
    ideas: list[IdeaOut]


class ProblemOut(Schema):
    id: int
    service: str
    description: str
    affected: str
    baseline_days: float | None
    baseline_cost: int | None
    baseline_steps: int | None
    rank: int
    usg_total: float
    scorers: int


@router.get(
    "/enrolments/{enrolment_id}/problems",
    response=list[ProblemOut],
    summary="Problems of an enrolled unit, ranked by USG",
)
@paginate(Pagination)
def list_problems(request, enrolment_id: int):
    enrolment = readable_enrolment(request.auth, enrolment_id)
    return [
        {
            "id": r["problem"].pk,
            "service": r["problem"].service,
            "description": r["problem"].description,
            "affected": r["problem"].affected,
            "baseline_days": r["problem"].baseline_days,
            "baseline_cost": r["problem"].baseline_cost,
            "baseline_steps": r["problem"].baseline_steps,
            "rank": r["rank"],
            "usg_total": r["total"],
            "scorers": r["scorers"],
        }
        for r in usg_ranking(enrolment)
    ]


def _problem_answer(problem) -> dict:
    return {
        **{f: getattr(problem, f) for f in ProblemDetailOut.model_fields if f != "enrolment"},
        "enrolment_id": problem.enrolment_id,
        "causes": list(problem.causes.order_by("id")),
        "ideas": [_idea_answer(i) for i in problem.ideas.order_by("id")],
    }


def _idea_answer(idea) -> dict:
    answer = {
        f: getattr(idea, f) for f in IdeaOut.model_fields if f not in ("problem", "criteria_met")
    }
    answer["problem_id"] = idea.problem_id
    answer["criteria_met"] = sum(1 for key in CRITERION_KEYS if getattr(idea, key))
    return answer


def _problem(request, problem_id):
    return get_object_or_404(problems_visible_to(request.auth), pk=problem_id)


@router.post(
    "/enrolments/{enrolment_id}/problems",
    response={201: ProblemDetailOut},
    summary="Add a problem of the unit's public service (diagnose)",
)
def add_problem(request, enrolment_id: int, payload: ProblemIn):
    """The unit's head or team member lists a problem with its baseline: how many days,
    what it costs a citizen, how many steps. Allowed while the unit is in drum-up or
    diagnose; afterwards the answer is 400 with the stage's reason."""
    user = require_login(request)
    enrolment = readable_enrolment(request.auth, enrolment_id)
    fields = payload.model_dump(exclude_unset=True)
    problem = actions.add_problem(acting_user=user, enrolment=enrolment, **fields)
    return Status(201, _problem_answer(problem))


@router.get(
    "/problems/{problem_id}", response=ProblemDetailOut, summary="A problem with causes and ideas"
)
def get_problem(request, problem_id: int):
    return _problem_answer(_problem(request, problem_id))


@router.patch("/problems/{problem_id}", response=ProblemDetailOut, summary="Correct a problem")
def update_problem(request, problem_id: int, payload: ProblemPatch):
    user = require_login(request)
    problem = _problem(request, problem_id)
    fields = payload.model_dump(exclude_unset=True)
    # A text that may not be empty is sent as null: left as it is, except a required one,
    # which the action refuses with its message; a baseline sent as null is cleared.
    fields = {
        k: v
        for k, v in fields.items()
        if v is not None or k.startswith("baseline_") or k in PROBLEM_REQUIRED
    }
    problem = actions.update_problem(acting_user=user, problem=problem, **fields)
    return _problem_answer(problem)


@router.post(
    "/problems/{problem_id}/causes",
    response={201: CauseOut},
    summary="Add a cause of a problem (fishbone)",
)
def add_cause(request, problem_id: int, payload: CauseIn):
    user = require_login(request)
    problem = _problem(request, problem_id)
    cause = actions.add_cause(
        acting_user=user, problem=problem, category=payload.category.value, text=payload.text
    )
    return Status(201, cause)


@router.put(
    "/problems/{problem_id}/usg",
    response=UsgOut,
    summary="Score a problem with USG (your own score; sending again replaces it)",
)
def score_usg(request, problem_id: int, payload: UsgIn):
    user = require_login(request)
    problem = _problem(request, problem_id)
    return actions.score_usg(acting_user=user, problem=problem, **payload.model_dump())


@router.post(
    "/problems/{problem_id}/ideas",
    response={201: IdeaOut},
    summary="Add an idea for a priority problem, checked against PP 38/2017",
)
def add_idea(request, problem_id: int, payload: IdeaIn):
    """Ideas are found for the priority problems: a problem not scored with USG yet is
    refused with 400 and that reason."""
    user = require_login(request)
    problem = _problem(request, problem_id)
    idea = actions.add_idea(acting_user=user, problem=problem, **payload.model_dump())
    return Status(201, _idea_answer(idea))


@router.patch("/ideas/{idea_id}", response=IdeaOut, summary="Correct an idea")
def update_idea(request, idea_id: int, payload: IdeaPatch):
    user = require_login(request)
    idea = get_object_or_404(
        Idea.objects.select_related("problem__enrolment").filter(
            problem__in=problems_visible_to(request.auth)
        ),
        pk=idea_id,
    )
    fields = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    title = fields.pop("title", idea.title)
    description = fields.pop("description", idea.description)
    idea = actions.update_idea(
        acting_user=user, idea=idea, title=title, description=description, **fields
    )
    return _idea_answer(idea)
