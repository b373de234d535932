"""Writers of a unit's diagnose work: problems, causes, USG scores and ideas; comments."""

from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.utils import translation
from django.utils.translation import gettext as _

from labinov.accounts import notify
from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, NotAllowed
from labinov.core.links import is_http_url
from labinov.core.models import AuditEvent
from labinov.lab.actions._common import (
    clean_or_refuse,
    ensure_reads,
    ensure_stage_allows,
    ensure_works_in,
)
from labinov.lab.models import CRITERIA, Cause, Comment, Enrolment, Idea, Problem, UsgScore
from labinov.lab.requirements import priority_problems
from labinov.lab.selectors import restorable_removal
from labinov.lab.stages import Work

PROBLEM_FIELDS = (
    "service",
    "description",
    "affected",
    "evidence_text",
    "evidence_file",
    "evidence_link",
    "baseline_days",
    "baseline_cost",
    "baseline_steps",
    "baseline_requirements",
    "baseline_complaints",
    "baseline_satisfaction",
    "is_demo",
)
#: What the team may change after adding a problem: not whether it is a demo example.
PROBLEM_EDITABLE = tuple(f for f in PROBLEM_FIELDS if f != "is_demo")
PROBLEM_REQUIRED = ("service", "description", "affected")
IDEA_CRITERIA_FIELDS = frozenset(f for c, _label in CRITERIA for f in (c, f"{c}_note"))


def _actor(user):
    return user if getattr(user, "pk", None) else None


def _refuse_unknown(fields, allowed) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ActionError(
            _("These fields cannot be set: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )


def _require(fields) -> None:
    """The problem's required fields, among those given, each with its own message;
    an evidence link must be http(s) (core/links.py)."""
    messages = {
        "service": _("Name the service concerned."),
        "description": _("Describe the problem."),
        "affected": _("Say who suffers the problem."),
    }
    for required in PROBLEM_REQUIRED:
        if required in fields and not str(fields[required] or "").strip():
            raise ActionError(messages[required], field=required)
    link = fields.get("evidence_link")
    if link and not is_http_url(link):
        raise ActionError(_("A link starts with http:// or https://."), field="evidence_link")


def _for_audit(value):
    """A value as the audit trail's JSON keeps it."""
    return str(value) if isinstance(value, Decimal) else value


def _apply_changes(obj, changes: dict) -> dict:
    """Set the changes on obj, check it, and return what changed as {field: [old, new]}.
    Values compare as values (14 is 14.0 days), files by their names."""

    def value(name):
        current = getattr(obj, name)
        return (current.name or "") if isinstance(current, FieldFile) else current

    before = {f: value(f) for f in changes}
    for name, new in changes.items():
        setattr(obj, name, new)
    clean_or_refuse(obj)
    return {
        f: [_for_audit(before[f]), _for_audit(value(f))] for f in changes if before[f] != value(f)
    }


def _ensure_adds(acting_user, enrolment: Enrolment, *, from_public: bool) -> None:
    """The unit's team adds its problems and ideas; a citizen's proposal (PP 38/2017) is
    passed to the unit by whoever moderates the region's proposals."""
    if from_public and get_access(acting_user).moderates_proposals_of(
        enrolment.programme.region_id
    ):
        return
    ensure_works_in(acting_user, enrolment)


@transaction.atomic
def add_problem(
    *, acting_user, enrolment: Enrolment, from_public: bool = False, **fields
) -> Problem:
    """A problem of one of the unit's services. ``from_public``: it comes from a citizen's
    proposal, passed to the unit by the region's coordinator (portal/actions.py)."""
    _ensure_adds(acting_user, enrolment, from_public=from_public)
    ensure_stage_allows(enrolment, Work.PROBLEMS)
    _refuse_unknown(fields, PROBLEM_FIELDS)
    _require({f: fields.get(f) for f in (*PROBLEM_REQUIRED, "evidence_link")})
    problem = Problem(enrolment=enrolment, created_by=_actor(acting_user), **fields)
    clean_or_refuse(problem)
    problem.save()
    record_event(
        acting_user=acting_user,
        action="lab.problem.added",
        obj=problem,
        unit=enrolment.unit,
        details={"service": problem.service, "from_public": from_public},
    )
    return problem


@transaction.atomic
def update_problem(*, acting_user, problem: Problem, **fields) -> Problem:
    """The unit's team corrects a problem. Only the fields given change; an evidence file
    given replaces the current one, none keeps it. Nothing changed: nothing is written."""
    ensure_works_in(acting_user, problem.enrolment)
    ensure_stage_allows(problem.enrolment, Work.PROBLEMS)
    _refuse_unknown(fields, PROBLEM_EDITABLE)
    _require(fields)
    upload = fields.pop("evidence_file", None)
    if upload and not isinstance(upload, FieldFile):  # a new file, not the stored one
        fields["evidence_file"] = upload
    changed = _apply_changes(problem, fields)
    if not changed:
        return problem
    problem.save(update_fields=list(changed))
    if "evidence_file" in changed:  # the name the storage gave the new file
        changed["evidence_file"][1] = problem.evidence_file.name
    record_event(
        acting_user=acting_user,
        action="lab.problem.updated",
        obj=problem,
        unit=problem.enrolment.unit,
        details={"changed": changed},
    )
    return problem


@transaction.atomic
def add_cause(*, acting_user, problem: Problem, category: str, text: str) -> Cause:
    ensure_works_in(acting_user, problem.enrolment)
    ensure_stage_allows(problem.enrolment, Work.PROBLEMS)
    text = (text or "").strip()
    if category not in Cause.Category.values:
        raise ActionError(_("Choose a category of cause from the list."), field="category")
    if not text:
        raise ActionError(_("Write the cause."), field="text")
    cause = Cause.objects.create(problem=problem, category=category, text=text[:300])
    record_event(
        acting_user=acting_user,
        action="lab.cause.added",
        obj=cause,
        unit=problem.enrolment.unit,
        details={"problem": problem.pk, "category": category},
    )
    return cause


@transaction.atomic
def remove_cause(*, acting_user, cause: Cause) -> AuditEvent:
    """Remove a cause; the returned audit event keeps it, so that ``restore_cause`` can
    undo the removal."""
    ensure_works_in(acting_user, cause.problem.enrolment)
    ensure_stage_allows(cause.problem.enrolment, Work.PROBLEMS)
    removal = record_event(
        acting_user=acting_user,
        action="lab.cause.removed",
        obj=cause,
        unit=cause.problem.enrolment.unit,
        details={"problem": cause.problem_id, "text": cause.text, "category": cause.category},
    )
    cause.delete()
    return removal


@transaction.atomic
def restore_cause(*, acting_user, problem: Problem, removal_id) -> Cause:
    """Undo the removal of a cause of ``problem``: the cause comes back as it was, once."""
    ensure_works_in(acting_user, problem.enrolment)
    ensure_stage_allows(problem.enrolment, Work.PROBLEMS)
    removal = restorable_removal(problem, removal_id)
    if removal is None:
        raise ActionError(_("This removal cannot be undone: it was undone already."))
    cause = Cause.objects.create(
        problem=problem, category=removal.details["category"], text=removal.details["text"]
    )
    record_event(
        acting_user=acting_user,
        action="lab.cause.restored",
        obj=cause,
        unit=problem.enrolment.unit,
        details={"problem": problem.pk, "removal": removal.pk},
    )
    return cause


@transaction.atomic
def score_usg(
    *, acting_user, problem: Problem, urgency: int, seriousness: int, growth: int
) -> UsgScore:
    """A member of the unit's team (or its head) scores a problem; scoring again replaces."""
    access = get_access(acting_user)
    if not access.is_on_team(problem.enrolment.unit_id):
        raise NotAllowed(
            _("Only the head and the innovation team of %(unit)s score its problems.")
            % {"unit": problem.enrolment.unit}
        )
    ensure_stage_allows(problem.enrolment, Work.PROBLEMS)
    values = {"urgency": urgency, "seriousness": seriousness, "growth": growth}
    for name, value in values.items():
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = 0
        if not 1 <= value <= 5:
            raise ActionError(_("Each score is a whole number from 1 to 5."), field=name)
        values[name] = value
    score, _created = UsgScore.objects.update_or_create(
        problem=problem, scorer=acting_user, defaults=values
    )
    record_event(
        acting_user=acting_user,
        action="lab.usg.scored",
        obj=problem,
        unit=problem.enrolment.unit,
        details=values,
    )
    return score


@transaction.atomic
def add_idea(
    *,
    acting_user,
    problem: Problem,
    title: str,
    description: str = "",
    is_demo=False,
    from_public: bool = False,
    **criteria,
) -> Idea:
    """An idea for one of the unit's priority problems, checked against PP 38/2017.

    ``from_public``: a citizen's idea, passed to the unit by the region's coordinator with
    the problem it answers; the team scores that problem with USG afterwards, so it need
    not be a priority problem yet."""
    _ensure_adds(acting_user, problem.enrolment, from_public=from_public)
    ensure_stage_allows(problem.enrolment, Work.IDEAS)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the idea a name."), field="title")
    if not from_public and problem not in priority_problems(problem.enrolment):
        raise ActionError(
            _(
                "Ideas are found for the priority problems: score this problem with USG first, "
                "or choose one of the highest-ranked problems."
            ),
            field="problem",
        )
    _refuse_unknown(criteria, IDEA_CRITERIA_FIELDS)
    idea = Idea.objects.create(
        problem=problem,
        title=title[:250],
        description=description or "",
        proposed_by=_actor(acting_user),
        is_demo=is_demo,
        **criteria,
    )
    record_event(
        acting_user=acting_user,
        action="lab.idea.added",
        obj=idea,
        unit=problem.enrolment.unit,
        details={
            "problem": problem.pk,
            "meets_all_criteria": idea.meets_all_criteria,
            "from_public": from_public,
        },
    )
    return idea


@transaction.atomic
def update_idea(*, acting_user, idea: Idea, title: str, description: str = "", **criteria) -> Idea:
    """The unit's team corrects an idea: its name, what it changes, the criteria it meets.
    Nothing changed: nothing is written."""
    enrolment = idea.problem.enrolment
    ensure_works_in(acting_user, enrolment)
    ensure_stage_allows(enrolment, Work.IDEAS)
    title = (title or "").strip()
    if not title:
        raise ActionError(_("Give the idea a name."), field="title")
    _refuse_unknown(criteria, IDEA_CRITERIA_FIELDS)
    changed = _apply_changes(
        idea, {"title": title[:250], "description": description or "", **criteria}
    )
    if not changed:
        return idea
    idea.save(update_fields=list(changed))
    record_event(
        acting_user=acting_user,
        action="lab.idea.updated",
        obj=idea,
        unit=enrolment.unit,
        details={"changed": changed},
    )
    return idea


@transaction.atomic
def add_comment(*, acting_user, enrolment: Enrolment, target, text: str) -> Comment:
    """A comment on any artefact of the unit (or the unit's enrolment itself)."""
    ensure_reads(acting_user, enrolment)
    if not getattr(acting_user, "pk", None):
        raise NotAllowed(_("Log in to comment."))
    text = (text or "").strip()
    if not text:
        raise ActionError(_("Write the comment."), field="text")
    comment = Comment.objects.create(
        enrolment=enrolment,
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        author=acting_user,
        text=text,
    )
    record_event(
        acting_user=acting_user,
        action="lab.comment.added",
        obj=comment,
        unit=enrolment.unit,
        details={"on": f"{target._meta.model_name}:{target.pk}"},
    )
    url = (
        target.get_absolute_url()
        if isinstance(target, Problem)
        else enrolment.get_absolute_url() + "#comments"
    )
    with translation.override(settings.LANGUAGE_CODE):
        what = (
            str(enrolment.unit)
            if target == enrolment
            else f"{target._meta.verbose_name} — {enrolment.unit}"
        )
    notify.comment_added(comment, unit=enrolment.unit, what=what, url=url)
    return comment
