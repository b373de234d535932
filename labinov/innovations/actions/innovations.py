"""Creating an innovation from an idea, and editing its national-form fields.

Its gates are decided by the one gate machine, ``labinov.lab.actions.decide_gate``.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from labinov.core.actions import record_event
from labinov.core.errors import ActionError
from labinov.innovations.actions._common import (
    actor,
    clean_or_refuse,
    ensure_stage_allows,
    ensure_works_in,
    ensure_works_on,
)
from labinov.innovations.actions.knowledge_base import publish_to_library
from labinov.innovations.models import DESIGN_SECTIONS, FIELD_WORK, Innovation
from labinov.lab.models import Idea
from labinov.lab.stages import Subject, Work, allows

EDITABLE_FIELDS = (
    "name",
    "initiator",
    "kind",
    "form",
    "affairs",
    *(f for f, _label in DESIGN_SECTIONS),
    "aims",
    "benefits",
    "expected_results",
    "budget_amount",
    "budget_file",
    "business_profile",
    "trial_date",
    "implementation_date",
    "launch_date",
    "launch_occasion",
    "public_summary",
)
FILE_FIELDS = ("budget_file", "business_profile")


def start_innovation(*, acting_user, enrolment, origin: dict, **fields) -> Innovation:
    """Create an innovation in an enrolled unit: the one writer behind every way one is
    started (from an idea, from a knowledge-base entry). The caller checks the stage, in
    its own words; ``origin`` goes into the audit event."""
    ensure_works_in(acting_user, enrolment.unit)
    innovation = Innovation.objects.create(
        enrolment=enrolment, created_by=actor(acting_user), **fields
    )
    record_event(
        acting_user=acting_user,
        action="innovations.innovation.created",
        obj=innovation,
        unit=enrolment.unit,
        details=origin,
    )
    return innovation


@transaction.atomic
def create_innovation(*, acting_user, idea: Idea, name: str = "", is_demo=False) -> Innovation:
    """Turn a selected idea of a unit that has passed diagnose into an innovation."""
    enrolment = idea.problem.enrolment
    ensure_works_in(acting_user, enrolment.unit)
    if not allows(enrolment.stage, Subject.ENROLMENT, Work.START_INNOVATIONS):
        raise ActionError(
            _("The unit must pass the diagnose gate before its ideas become innovations.")
        )
    if not idea.meets_all_criteria:
        raise ActionError(
            _("Only an idea that meets all five PP 38/2017 criteria becomes an innovation."),
            field="idea",
        )
    return start_innovation(
        acting_user=acting_user,
        enrolment=enrolment,
        origin={"idea": idea.pk},
        idea=idea,
        name=(name or idea.title).strip()[:250],
        design_problem=idea.problem.description,
        design_method=idea.description,
        is_demo=is_demo,
    )


@transaction.atomic
def update_innovation(*, acting_user, innovation: Innovation, **fields) -> Innovation:
    """Change the national-form fields (a file left out or empty keeps the one stored).

    Each changed field is work of a kind (``FIELD_WORK``) that the innovation's stage must
    allow: the design is written in design, the launch prepared in deliver and display,
    and so on; a refusal says which and changes nothing.
    """
    ensure_works_on(acting_user, innovation)
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ActionError(
            _("These fields cannot be set: %(f)s") % {"f": ", ".join(sorted(unknown))}
        )
    if "name" in fields and not str(fields["name"] or "").strip():
        raise ActionError(_("Give the innovation a name."), field="name")
    changes = {}
    for field, value in fields.items():
        if field in FILE_FIELDS and not value:
            continue
        if value is None and field not in (
            "budget_amount",
            "trial_date",
            "implementation_date",
            "launch_date",
        ):
            value = ""
        if getattr(innovation, field) != value:
            changes[field] = value
    works = {FIELD_WORK[f] for f in changes}
    if not works:  # nothing changes: still refused once the record is closed
        given = [FIELD_WORK[f] for f in fields]
        if given and not any(innovation.allows(w) for w in given):
            works = {given[0]}
    for work in sorted(works):
        ensure_stage_allows(innovation, work)
    for field, value in changes.items():
        setattr(innovation, field, value)
    changed = list(changes)
    if (
        innovation.trial_date
        and innovation.implementation_date
        and innovation.implementation_date < innovation.trial_date
    ):
        raise ActionError(
            _("Implementation cannot start before the trial."), field="implementation_date"
        )
    clean_or_refuse(innovation)
    innovation.save()
    if innovation.published_at is not None and changed:
        # A published innovation's record follows: the knowledge base and the open feed.
        publish_to_library(innovation)
    record_event(
        acting_user=acting_user,
        action="innovations.innovation.updated",
        obj=innovation,
        unit=innovation.enrolment.unit,
        details={"fields": sorted(changed)},
    )
    return innovation
