import datetime

import pytest

from labinov.core.system import SystemActor
from labinov.lab import actions, readiness
from tests.factories import programme_with_plan

SYSTEM = SystemActor("uji")


@pytest.fixture
def programme(region, unit):
    return programme_with_plan(
        region=region,
        title="Laboratorium Inovasi Uji 2022",
        year=2022,
        plan={
            "drum_up": (datetime.date(2022, 10, 12), datetime.date(2022, 10, 13)),
            "diagnose": (datetime.date(2022, 10, 12), datetime.date(2022, 10, 13)),
        },
    )


@pytest.fixture
def enrolment(programme, unit):
    return actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]


def complete_drum_up(enrolment):
    actions.sign_commitment(
        acting_user=SYSTEM, enrolment=enrolment, signer_name="dr. Uji", signer_position="Kepala"
    )
    actions.add_team_member(acting_user=SYSTEM, enrolment=enrolment, name="Ani", team_role="ketua")
    actions.set_team_decree(acting_user=SYSTEM, enrolment=enrolment, decree_number="SK 1/2022")
    actions.submit_readiness(
        acting_user=SYSTEM,
        enrolment=enrolment,
        answers=dict.fromkeys((q["key"] for q in readiness.questionnaire()["questions"]), 3),
    )


def add_problem(enrolment, **extra):
    fields = {
        "service": "Akta kelahiran",
        "description": "Pembuatan akta butuh 14 hari",
        "affected": "Orang tua bayi baru lahir",
        "baseline_days": 14,
        "baseline_steps": 6,
    }
    fields.update(extra)
    return actions.add_problem(acting_user=SYSTEM, enrolment=enrolment, **fields)


def add_idea(problem, scorer, **extra):
    """An idea for the problem, made a priority by the scorer's USG scores."""
    actions.score_usg(acting_user=scorer, problem=problem, urgency=5, seriousness=5, growth=5)
    fields = {"title": "Akta daring", "description": "Ajukan akta dari rumah", "is_new": True}
    fields.update(extra)
    return actions.add_idea(acting_user=SYSTEM, problem=problem, **fields)
