"""An innovation as a subject of the gate machine (``labinov.lab.subjects``).

Registered when the app loads. What is particular to an innovation lives here: its row lock,
its region and unit, that passing a stage that ``publishes`` publishes it (and writes it to
the knowledge base), and that passing its last gate documents it, closing its record.
"""

from django.utils.translation import gettext as _

from labinov.innovations.actions.knowledge_base import publish_to_library
from labinov.innovations.models import Innovation
from labinov.lab.stages import Subject
from labinov.lab.subjects import GateSubject, register_subject


class InnovationSubject(GateSubject):
    kind = Subject.INNOVATION
    model = Innovation
    decision_field = "innovation"
    audit_prefix = "innovations.gate"

    def lock(self, subject):
        return (
            Innovation.objects.select_for_update()
            .select_related("enrolment__programme", "enrolment__unit")
            .get(pk=subject.pk)
        )

    def region_id(self, subject) -> int:
        return subject.enrolment.programme.region_id

    def unit(self, subject):
        return subject.enrolment.unit

    def name(self, subject) -> str:
        return _("The innovation “%(name)s”") % {"name": subject.name}

    def is_finished(self, subject) -> bool:
        return subject.documented_at is not None

    def advance(self, subject, *, stage, following, now) -> None:
        if following is None:
            subject.documented_at = now
        else:
            subject.stage = following.key
            subject.stage_entered_at = now
        if stage.publishes:
            subject.published_at = now
        subject.save(update_fields=["stage", "stage_entered_at", "published_at", "documented_at"])
        if stage.publishes:
            publish_to_library(subject)

    def move_back(self, subject, *, to, now) -> None:
        if self.is_finished(subject):
            subject.documented_at = None
        else:
            subject.stage = to.key
            subject.stage_entered_at = now
        subject.save(update_fields=["stage", "stage_entered_at", "documented_at"])

    def audit_details(self, subject) -> dict:
        return {"innovation": subject.pk}

    def lock_stage(self, subject) -> None:
        stage, documented_at = (
            Innovation.objects.select_for_update()
            .values_list("stage", "documented_at")
            .get(pk=subject.pk)
        )
        subject.stage, subject.documented_at = stage, documented_at


def register() -> None:
    register_subject(InnovationSubject())
