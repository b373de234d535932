"""The only writers of the lab app (one module per part of the work)."""

from labinov.lab.actions.diagnose import (
    add_cause,
    add_comment,
    add_idea,
    add_problem,
    remove_cause,
    score_usg,
)
from labinov.lab.actions.drumup import (
    add_team_member,
    remove_team_member,
    set_team_decree,
    sign_commitment,
    submit_readiness,
)
from labinov.lab.actions.gates import decide_gate, may_decide
from labinov.lab.actions.programmes import (
    create_programme,
    enrol_units,
    invite_unit_head,
    set_coaches,
    update_programme,
)

__all__ = [
    "add_cause",
    "add_comment",
    "add_idea",
    "add_problem",
    "add_team_member",
    "create_programme",
    "decide_gate",
    "enrol_units",
    "invite_unit_head",
    "may_decide",
    "remove_cause",
    "remove_team_member",
    "score_usg",
    "set_coaches",
    "set_team_decree",
    "sign_commitment",
    "submit_readiness",
    "update_programme",
]
