"""The only writers of the innovations app. An innovation's gates are decided, and
reopened, by the lab's one gate machine (``labinov.lab.actions.decide_gate``,
``reopen_stage``)."""

from django.utils.translation import gettext_lazy

from labinov.innovations.actions.delivery import (
    add_milestone,
    add_monitoring_comment,
    add_photo,
    add_risk,
    record_progress,
    resolve_risk,
    set_service_measure,
    set_service_volume,
)
from labinov.innovations.actions.expo import (
    best_refusal,
    choose_best,
    create_expo,
    score_innovation,
)
from labinov.innovations.actions.innovations import create_innovation, update_innovation

AUDIT_ACTIONS = {
    "innovations.innovation.created": gettext_lazy("Innovation created"),
    "innovations.innovation.updated": gettext_lazy("Innovation changed"),
    "innovations.gate.approved": gettext_lazy("Innovation stage gate passed"),
    "innovations.gate.refused": gettext_lazy("Innovation stage gate refused"),
    "innovations.gate.reopened": gettext_lazy("Innovation stage reopened"),
    "innovations.milestone.added": gettext_lazy("Milestone added"),
    "innovations.progress.recorded": gettext_lazy("Progress recorded"),
    "innovations.measure.set": gettext_lazy("Service measure set"),
    "innovations.volume.set": gettext_lazy("Transactions per year and hours a visit set"),
    "innovations.risk.added": gettext_lazy("Risk added"),
    "innovations.risk.resolved": gettext_lazy("Risk resolved"),
    "innovations.photo.added": gettext_lazy("Photo added"),
    "innovations.comment.added": gettext_lazy("Monitoring comment added"),
    "innovations.expo.created": gettext_lazy("Expo set up"),
    "innovations.expo.scored": gettext_lazy("Jury score given"),
    "innovations.expo.best_chosen": gettext_lazy("Best innovation chosen"),
}

__all__ = [
    "add_milestone",
    "add_monitoring_comment",
    "add_photo",
    "add_risk",
    "best_refusal",
    "choose_best",
    "create_expo",
    "create_innovation",
    "record_progress",
    "resolve_risk",
    "score_innovation",
    "set_service_measure",
    "set_service_volume",
    "update_innovation",
]
