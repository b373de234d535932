"""How the gate requirements of drum-up and diagnose are checked for an enrolment.

Registered under the subject kind "enrolment" (see ``labinov.lab.stages``) when the app
loads; the innovations app registers its own kind the same way.
"""

from django.utils.translation import gettext_lazy as _

from labinov.lab.stages import register_requirement

PRIORITY_COUNT = 3


def _team(enrolment):
    return getattr(enrolment, "team", None)


def commitment_signed(enrolment) -> bool:
    return hasattr(enrolment, "commitment")


def team_formed(enrolment) -> bool:
    team = _team(enrolment)
    return team is not None and team.members.exists()


def team_decree(enrolment) -> bool:
    team = _team(enrolment)
    return team is not None and team.has_decree


def readiness_done(enrolment) -> bool:
    return hasattr(enrolment, "readiness")


def problems_listed(enrolment) -> bool:
    return enrolment.problems.exists()


def baseline_recorded(enrolment) -> bool:
    problems = list(enrolment.problems.all())
    return bool(problems) and all(p.has_baseline for p in problems)


def priority_problems(enrolment) -> list:
    from labinov.lab.selectors import usg_ranking

    return [row["problem"] for row in usg_ranking(enrolment)[:PRIORITY_COUNT] if row["scored"]]


def causes_analysed(enrolment) -> bool:
    priorities = priority_problems(enrolment)
    return bool(priorities) and all(p.causes.exists() for p in priorities)


def priorities_scored(enrolment) -> bool:
    problems = list(enrolment.problems.all())
    return bool(problems) and all(p.usg_scores.exists() for p in problems)


def ideas_checked(enrolment) -> bool:
    from labinov.lab.models import Idea

    return any(i.meets_all_criteria for i in Idea.objects.filter(problem__enrolment=enrolment))


def register() -> None:
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
