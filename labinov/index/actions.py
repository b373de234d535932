"""The only writers of the index: rubric versions, assessments and their answers."""

import hashlib
import json

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.accounts.access import get_access
from labinov.core.actions import record_event
from labinov.core.errors import ActionError, Conflict, NotAllowed
from labinov.core.uploads import check_upload
from labinov.index import facts
from labinov.index.models import Answer, Assessment, Rubric
from labinov.index.rubric import validate
from labinov.index.selectors import model_of
from labinov.innovations.models import Innovation

AUDIT_ACTIONS = {
    "index.rubric_loaded": gettext_lazy("Index rubric version loaded"),
    "index.assessment_started": gettext_lazy("Index assessment started"),
    "index.answer_set": gettext_lazy("Index answer changed"),
    "index.filled_from_labinov": gettext_lazy("Index answers filled from Labinov's records"),
}


class RubricRefused(ActionError):
    """A rubric file that is refused whole; ``errors`` lists every reason."""

    def __init__(self, message, errors):
        self.errors = list(errors)
        super().__init__(message)


def digest(data: dict) -> str:
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_rubric(raw: bytes | str) -> dict:
    try:
        return json.loads(raw)
    except (UnicodeDecodeError, ValueError) as exc:
        raise RubricRefused(_("The file is not valid JSON."), [str(exc)]) from exc


@transaction.atomic
def load_rubric(
    *, acting_user, data, file_name: str = "", provenance: str = ""
) -> tuple[Rubric, str]:
    """Validate and store a rubric version. Returns the rubric and what happened:
    "created", "replaced" or "unchanged". A bad file is refused whole with every error; a
    version that an assessment uses is never changed."""
    if not get_access(acting_user).is_platform_admin:
        raise NotAllowed(_("Only a platform administrator may load an index rubric."))
    if isinstance(data, bytes | str):
        data = parse_rubric(data)
    errors = validate(data)
    if errors:
        raise RubricRefused(
            _("The rubric was refused; nothing was changed. %(n)s errors:") % {"n": len(errors)},
            errors,
        )
    sha = digest(data)
    version = data["rubric_id"]
    existing = Rubric.objects.select_for_update().filter(version=version).first()
    if existing is not None and existing.sha256 == sha:
        return existing, "unchanged"
    if existing is not None and existing.is_used:
        raise Conflict(
            _(
                "Version %(v)s is used by an assessment and can no longer change; load the "
                "corrected rubric under a new rubric_id."
            )
            % {"v": version}
        )
    outcome = "replaced" if existing else "created"
    rubric = existing or Rubric(version=version)
    rubric.data = data
    rubric.sha256 = sha
    rubric.file_name = file_name[:255]
    rubric.provenance = provenance
    rubric.loaded_by = str(getattr(acting_user, "get_username", lambda: acting_user)())[:200]
    rubric.save()
    record_event(
        acting_user=acting_user,
        action="index.rubric_loaded",
        obj=rubric,
        details={"version": version, "sha256": sha, "outcome": outcome, "file": file_name},
    )
    return rubric, outcome


def _ensure_edits(acting_user, region) -> None:
    if not get_access(acting_user).edits_index_of_region(region.pk):
        raise NotAllowed(
            _("Only the coordinator of %(region)s may fill in its innovation index.")
            % {"region": region}
        )


@transaction.atomic
def start_assessment(
    *, acting_user, region, year: int, rubric: Rubric, is_demo=False
) -> Assessment:
    _ensure_edits(acting_user, region)
    if not 2000 <= year <= 2100:
        raise ActionError(_("Give a year between 2000 and 2100."), field="year")
    if Assessment.objects.filter(region=region, year=year).exists():
        raise ActionError(
            _("%(region)s already has an assessment for %(year)s.")
            % {"region": region, "year": year},
            field="year",
        )
    assessment = Assessment.objects.create(region=region, year=year, rubric=rubric, is_demo=is_demo)
    record_event(
        acting_user=acting_user,
        action="index.assessment_started",
        obj=assessment,
        region=region,
        details={"year": year, "rubric": rubric.version},
    )
    return assessment


@transaction.atomic
def set_answer(
    *,
    acting_user,
    assessment: Assessment,
    item_key: str,
    level: int,
    innovation: Innovation | None = None,
    evidence_file=None,
    evidence_link: str | None = None,
    evidence_note: str | None = None,
    remove_evidence: bool = False,
    source: str = Answer.Source.MANUAL,
    source_note: str = "",
) -> Answer:
    _ensure_edits(acting_user, assessment.region)
    model = model_of(assessment.rubric)
    item = model.item(item_key)
    if item is None:
        raise ActionError(
            _("The rubric has no indicator %(key)s.") % {"key": item_key}, field="item_key"
        )
    if item.per_innovation != (innovation is not None):
        if item.per_innovation:
            message = _("Indicator %(key)s is answered per innovation.")
        else:
            message = _("Indicator %(key)s is answered once for the region.")
        raise ActionError(message % {"key": item_key}, field="innovation")
    if innovation is not None and innovation.enrolment.programme.region_id != assessment.region_id:
        raise NotAllowed(_("The innovation belongs to another region."))
    allowed = {0} | {value for value, _d in item.levels}
    if level not in allowed:
        raise ActionError(
            _("Choose a level of %(levels)s.")
            % {"levels": ", ".join(str(v) for v in sorted(allowed))},
            field="level",
        )
    if evidence_file:
        check_upload(evidence_file, "document")
    answer, _created = Answer.objects.select_for_update().get_or_create(
        assessment=assessment, innovation=innovation, item_key=item_key
    )
    answer.level = level
    answer.source = source
    answer.source_note = source_note[:300]
    if remove_evidence:
        answer.evidence_file = ""
        answer.evidence_link = ""
    if evidence_file:
        answer.evidence_file = evidence_file
    if evidence_link is not None:
        answer.evidence_link = evidence_link
    if evidence_note is not None:
        answer.evidence_note = evidence_note[:300]
    answer.updated_by = acting_user if getattr(acting_user, "pk", None) else None
    answer.full_clean(exclude=["assessment", "innovation", "updated_by"])
    answer.save()
    record_event(
        acting_user=acting_user,
        action="index.answer_set",
        obj=answer,
        region=assessment.region,
        details={
            "year": assessment.year,
            "indicator": item_key,
            "innovation": innovation.pk if innovation else None,
            "level": level,
            "evidence": answer.has_evidence,
            "source": source,
        },
    )
    return answer


@transaction.atomic
def fill_from_labinov(*, acting_user, assessment: Assessment, is_demo: bool = False) -> int:
    """Propose the levels that Labinov's records answer (team size, budget years,
    replications, months to implementation, people served), saying where each came from.
    An answer entered by hand is left as it is; evidence is never invented."""
    _ensure_edits(acting_user, assessment.region)
    model = model_of(assessment.rubric)
    written = 0
    existing = {
        (a.innovation_id, a.item_key): a
        for a in Answer.objects.filter(assessment=assessment, innovation__isnull=False)
    }
    innovations = Innovation.objects.filter(enrolment__programme__region=assessment.region)
    for innovation in innovations.select_related("enrolment__unit", "enrolment__programme"):
        for key, (level, note) in facts.derived_answers(model, innovation).items():
            answer = existing.get((innovation.pk, key))
            if answer is not None and answer.source == Answer.Source.MANUAL:
                continue
            if answer is not None and answer.level == level and answer.source_note == note:
                continue
            answer = answer or Answer(assessment=assessment, innovation=innovation, item_key=key)
            answer.level = level
            answer.source = Answer.Source.LABINOV
            answer.source_note = (f"[Contoh demo] {note}" if is_demo else note)[:300]
            answer.updated_by = acting_user if getattr(acting_user, "pk", None) else None
            answer.save()
            written += 1
    record_event(
        acting_user=acting_user,
        action="index.filled_from_labinov",
        obj=assessment,
        region=assessment.region,
        details={"year": assessment.year, "answers": written},
    )
    return written
