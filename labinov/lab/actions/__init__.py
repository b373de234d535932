"""The only writers of the lab app (one module per part of the work)."""

from django.utils.translation import gettext_lazy

from labinov.lab.actions.diagnose import (
    add_cause,
    add_comment,
    add_idea,
    add_problem,
    remove_cause,
    restore_cause,
    score_usg,
    update_idea,
    update_problem,
)
from labinov.lab.actions.drumup import (
    add_team_member,
    invite_team_member,
    remove_team_member,
    set_team_decree,
    sign_commitment,
    submit_readiness,
)
from labinov.lab.actions.gates import (
    decide_gate,
    has_open_gate,
    may_decide,
    may_reopen,
    reopen_stage,
)
from labinov.lab.actions.programmes import (
    create_programme,
    enrol_units,
    invite_unit_head,
    set_coaches,
    update_programme,
)

AUDIT_ACTIONS = {
    "lab.programme.created": gettext_lazy("Lab programme created"),
    "lab.programme.updated": gettext_lazy("Lab programme changed"),
    "lab.programme.coaches_set": gettext_lazy("Programme coaches set"),
    "lab.units.enrolled": gettext_lazy("Units enrolled"),
    "lab.pact.signed": gettext_lazy("Innovation pact signed"),
    "lab.team.member_added": gettext_lazy("Team member added"),
    "lab.team.member_invited": gettext_lazy("Team member invited"),
    "lab.team.member_removed": gettext_lazy("Team member removed"),
    "lab.team.decree_set": gettext_lazy("Team decree recorded"),
    "lab.readiness.submitted": gettext_lazy("Readiness assessed"),
    "lab.problem.added": gettext_lazy("Problem added"),
    "lab.problem.updated": gettext_lazy("Problem changed"),
    "lab.cause.added": gettext_lazy("Cause added"),
    "lab.cause.removed": gettext_lazy("Cause removed"),
    "lab.cause.restored": gettext_lazy("Cause removal undone"),
    "lab.usg.scored": gettext_lazy("USG scores given"),
    "lab.idea.added": gettext_lazy("Idea added"),
    "lab.idea.updated": gettext_lazy("Idea changed"),
    "lab.comment.added": gettext_lazy("Comment added"),
    "lab.gate.approved": gettext_lazy("Stage gate passed"),
    "lab.gate.refused": gettext_lazy("Stage gate refused"),
    "lab.gate.reopened": gettext_lazy("Stage reopened"),
}

__all__ = [
    "add_cause",
    "add_comment",
    "add_idea",
    "add_problem",
    "add_team_member",
    "create_programme",
    "decide_gate",
    "enrol_units",
    "has_open_gate",
    "invite_team_member",
    "invite_unit_head",
    "may_decide",
    "may_reopen",
    "remove_cause",
    "remove_team_member",
    "reopen_stage",
    "restore_cause",
    "score_usg",
    "set_coaches",
    "set_team_decree",
    "sign_commitment",
    "submit_readiness",
    "update_idea",
    "update_problem",
    "update_programme",
]
