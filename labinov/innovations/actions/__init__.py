"""The only writers of the innovations app."""

from labinov.innovations.actions.delivery import (
    add_milestone,
    add_monitoring_comment,
    add_photo,
    add_risk,
    record_progress,
    resolve_risk,
    set_service_measure,
)
from labinov.innovations.actions.expo import choose_best, create_expo, score_innovation
from labinov.innovations.actions.innovations import (
    create_innovation,
    decide_innovation_gate,
    may_decide,
    update_innovation,
)

__all__ = [
    "add_milestone",
    "add_monitoring_comment",
    "add_photo",
    "add_risk",
    "choose_best",
    "create_expo",
    "create_innovation",
    "decide_innovation_gate",
    "may_decide",
    "record_progress",
    "resolve_risk",
    "score_innovation",
    "set_service_measure",
    "update_innovation",
]
