"""How the gate requirements of drum-up and diagnose are checked for an enrolment.

Registered under the subject kind "enrolment" (see ``labinov.lab.stages``) when the app
loads; the innovations app registers its own kind the same way. Each check answers what is
missing, one ``Shortfall`` per object concerned (the problem without a cause, the idea
short of a criterion), so that a refusal names them.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from labinov.lab.stages import Shortfall, register_requirement

PRIORITY_COUNT = 3


def _team(enrolment):
    return getattr(enrolment, "team", None)


def _unit(label, enrolment) -> list[Shortfall]:
    """A shortfall of the unit as a whole, naming it."""
    return [
        Shortfall.of(
            label % {"unit": enrolment.unit.name},
            enrolment,
            kind="enrolment",
            name=enrolment.unit.name,
        )
    ]


def _problem(label, problem) -> Shortfall:
    return Shortfall.of(label % {"problem": problem.service}, problem, name=problem.service)


def commitment_signed(enrolment) -> list[Shortfall]:
    if hasattr(enrolment, "commitment"):
        return []
    return _unit(_("The head of %(unit)s has not signed the innovation pact yet"), enrolment)


def team_formed(enrolment) -> list[Shortfall]:
    team = _team(enrolment)
    if team is not None and team.members.exists():
        return []
    return _unit(_("The innovation team of %(unit)s has no member yet"), enrolment)


def team_decree(enrolment) -> list[Shortfall]:
    team = _team(enrolment)
    if team is not None and team.has_decree:
        return []
    return _unit(
        _("The appointment decree (SK Tim) of the team of %(unit)s is not recorded yet"),
        enrolment,
    )


def readiness_done(enrolment) -> list[Shortfall]:
    if hasattr(enrolment, "readiness"):
        return []
    return _unit(_("%(unit)s has not done the readiness self-assessment yet"), enrolment)


def _no_problem(enrolment) -> list[Shortfall]:
    return _unit(_("%(unit)s has not listed a service problem yet"), enrolment)


def problems_listed(enrolment) -> list[Shortfall]:
    return [] if enrolment.problems.exists() else _no_problem(enrolment)


def baseline_recorded(enrolment) -> list[Shortfall]:
    problems = list(enrolment.problems.all())
    if not problems:
        return _no_problem(enrolment)
    return [
        _problem(
            _("The problem '%(problem)s' has no baseline yet (days to finish and number of steps)"),
            p,
        )
        for p in problems
        if not p.has_baseline
    ]


def priority_problems(enrolment) -> list:
    from labinov.lab.selectors import usg_ranking

    return [row["problem"] for row in usg_ranking(enrolment)[:PRIORITY_COUNT] if row["scored"]]


def causes_analysed(enrolment) -> list[Shortfall]:
    priorities = priority_problems(enrolment)
    if not priorities:
        return _unit(
            _("%(unit)s has no priority problem yet: give the problems their USG scores"),
            enrolment,
        )
    return [
        _problem(_("The problem '%(problem)s' has no cause yet"), p)
        for p in priorities
        if not p.causes.exists()
    ]


def priorities_scored(enrolment) -> list[Shortfall]:
    problems = list(enrolment.problems.all())
    if not problems:
        return _no_problem(enrolment)
    return [
        _problem(_("The problem '%(problem)s' has no USG scores yet"), p)
        for p in problems
        if not p.usg_scores.exists()
    ]


def ideas_checked(enrolment) -> list[Shortfall]:
    from labinov.lab.models import Idea

    ideas = list(Idea.objects.filter(problem__enrolment=enrolment))
    if any(i.meets_all_criteria for i in ideas):
        return []
    if not ideas:
        return _unit(_("%(unit)s has no idea yet"), enrolment)
    return [
        Shortfall.of(
            _("The idea '%(idea)s' does not meet the criteria yet: %(criteria)s")
            % {
                "idea": i.title,
                "criteria": "; ".join(str(c["label"]) for c in i.criteria if not c["met"]),
            },
            i,
            name=i.title,
        )
        for i in ideas
    ]


def register() -> None:
    _ = gettext_lazy
    for key, label, check in (
        ("commitment_signed", _("The unit head has signed the innovation pact"), commitment_signed),
        ("team_formed", _("The innovation team has members"), team_formed),
        ("team_decree", _("The team's appointment decree (SK Tim) is recorded"), team_decree),
        ("readiness_done", _("The readiness self-assessment is done"), readiness_done),
        ("problems_listed", _("At least one service problem is listed"), problems_listed),
        (
            "baseline_recorded",
            _("Every problem has its baseline (days to finish and number of steps)"),
            baseline_recorded,
        ),
        ("causes_analysed", _("Every priority problem has at least one cause"), causes_analysed),
        ("priorities_scored", _("Every problem has USG scores"), priorities_scored),
        (
            "ideas_checked",
            _("At least one idea meets all five PP 38/2017 criteria"),
            ideas_checked,
        ),
    ):
        register_requirement("enrolment", key, label, check)
