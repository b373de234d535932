"""What moves through the stages, as the one gate machine sees it.

The gate actions (``labinov.lab.actions.gates``: ``decide_gate``, ``reopen_stage``) and the
stage locks (``ensure_stage_allows``) are the same for every kind of subject. What differs
per kind (how to lock its row, its region and unit, where its stage is kept, what passing a
gate does to it, such as publishing an innovation) lives in a small ``GateSubject``
registered by the app that owns the kind: the lab registers the unit's enrolment here, the
innovations app its innovation (``labinov.innovations.subjects``). The actions ask the
registry, never the kind.
"""

import datetime

from django.db import models
from django.utils.translation import gettext as _

from labinov.lab.stages import (
    WORK_LABELS,
    Subject,
    Work,
    allows,
    get_stage,
    previous_stage,
    reached,
    stages_allowing,
)

#: model label ("lab.enrolment") -> the subject kind's handler
_BY_MODEL: dict[str, "GateSubject"] = {}
#: subject kind -> the handler
_BY_KIND: dict[str, "GateSubject"] = {}


class GateSubject:
    """How the gate machine handles one kind of subject. Subclass per kind and register."""

    #: the kind, as the stage declaration names it
    kind: Subject
    #: the model whose rows are subjects of this kind
    model: type[models.Model]
    #: the foreign key of ``GateDecision`` that holds this kind's decisions
    decision_field: str
    #: the audit actions' prefix ("lab.gate" gives "lab.gate.approved")
    audit_prefix: str

    def lock(self, subject):
        """The subject read again under a row lock, so that decisions take turns."""
        return self.model.objects.select_for_update().get(pk=subject.pk)

    def region_id(self, subject) -> int:
        raise NotImplementedError

    def unit(self, subject):
        raise NotImplementedError

    def name(self, subject) -> str:
        return str(subject)

    def is_finished(self, subject) -> bool:
        """Whether the gate of the subject's last stage is passed (nothing is left to do)."""
        return False

    def no_gate_message(self, subject, stage) -> str:
        return _("%(name)s has no gate to decide in %(stage)s.") % {
            "name": self.name(subject),
            "stage": stage.label,
        }

    def advance(self, subject, *, stage, following, now: datetime.datetime) -> None:
        """What passing ``stage``'s gate does: the subject moves to ``following`` (None
        after the last stage). Saves the subject."""
        raise NotImplementedError

    def reopen_target(self, subject):
        """The stage that reopening moves the subject back to, or None: the previous stage
        of the same kind (the last one, again, once the subject is finished)."""
        current = get_stage(subject.stage)
        if self.is_finished(subject):
            return current
        previous = previous_stage(current.key)
        return previous if previous is not None and previous.subject == self.kind else None

    def move_back(self, subject, *, to, now: datetime.datetime) -> None:
        """Reopen ``to`` (see ``reopen_target``). Saves the subject."""
        raise NotImplementedError

    def audit_details(self, subject) -> dict:
        return {}

    def allows(self, subject, work: Work) -> bool:
        """Whether the subject may create or change this work now."""
        return not self.is_finished(subject) and allows(subject.stage, self.kind, work)

    def lock_stage(self, subject) -> None:
        """Read the subject's stage (and whatever says it is finished) again under a row
        lock, into ``subject``: a gate decided at the same moment cannot let a change slip
        past the lock."""
        fresh = self.lock(subject)
        subject.stage = fresh.stage


def register_subject(handler: GateSubject) -> None:
    """Declare how the gate machine handles subjects of ``handler.kind``."""
    _BY_MODEL[handler.model._meta.label_lower] = handler
    _BY_KIND[handler.kind] = handler


def subject_of(subject) -> GateSubject:
    """The handler of this subject's kind (an enrolment, an innovation)."""
    try:
        return _BY_MODEL[subject._meta.label_lower]
    except (KeyError, AttributeError):
        raise TypeError(f"No gate subject is registered for {type(subject).__name__}") from None


def subject_kind(kind: str) -> GateSubject:
    return _BY_KIND[kind]


def lock_message(subject, work: Work) -> str:
    """Why the subject may not create or change this work now ("" when it may): the
    refusal of ``ensure_stage_allows``, and what a page says where it hides a form."""
    handler = subject_of(subject)
    if handler.allows(subject, work):
        return ""
    stage = get_stage(subject.stage)
    names = {"work": WORK_LABELS[work], "unit": handler.name(subject), "stage": stage.label}
    if handler.is_finished(subject):
        return (
            _(
                "%(work)s can no longer be changed: %(unit)s has passed its last gate and its "
                "record is closed. A coach can reopen it, with a reason."
            )
            % names
        )
    open_in = stages_allowing(handler.kind, work)
    if open_in and reached(stage.key, open_in[-1].key):
        return (
            _(
                "%(work)s can no longer be changed: %(unit)s has passed that stage and is in "
                "%(stage)s. A coach can reopen the earlier stage, with a reason."
            )
            % names
        )
    return _("%(work)s cannot be changed while %(unit)s is in %(stage)s.") % names


class EnrolmentSubject(GateSubject):
    """A unit's enrolment in a programme: drum-up and diagnose."""

    kind = Subject.ENROLMENT
    decision_field = "enrolment"
    audit_prefix = "lab.gate"

    @property
    def model(self):
        from labinov.lab.models import Enrolment

        return Enrolment

    def lock(self, subject):
        return (
            self.model.objects.select_for_update()
            .select_related("programme", "unit")
            .get(pk=subject.pk)
        )

    def region_id(self, subject) -> int:
        return subject.programme.region_id

    def unit(self, subject):
        return subject.unit

    def name(self, subject) -> str:
        return str(subject.unit)

    def no_gate_message(self, subject, stage) -> str:
        return _("From %(stage)s on, the work moves per innovation, not per unit.") % {
            "stage": stage.label
        }

    def advance(self, subject, *, stage, following, now) -> None:
        subject.stage = following.key
        subject.save(update_fields=["stage"])

    def move_back(self, subject, *, to, now) -> None:
        subject.stage = to.key
        subject.save(update_fields=["stage"])

    def lock_stage(self, subject) -> None:
        subject.stage = (
            self.model.objects.select_for_update()
            .values_list("stage", flat=True)
            .get(pk=subject.pk)
        )


def register() -> None:
    register_subject(EnrolmentSubject())
