"""Citizens' proposals and a published innovation with private work beside it."""

import pytest

from labinov.core.system import SystemActor
from labinov.lab.models import Enrolment
from labinov.portal import actions
from tests.opendata.conftest import (  # noqa: F401
    PRIVATE,
    _media,
    assert_nothing_private,
    designing,
    enrolment,
    idea,
    innovation,
    programme,
    published,
    unpublished,
)

SYSTEM = SystemActor("uji")

#: The proposer's personal data: read by the region's moderators only.
PROPOSER = {"name": "Warga Pengusul Rahasia", "contact": "warga.rahasia@contoh.invalid"}
FORM = {
    "service": "Antrean puskesmas",
    "problem": "Warga antre tiga jam sebelum diperiksa.",
    "idea": "Nomor antrean lewat SMS sehari sebelumnya.",
}


@pytest.fixture
def proposal(region):
    return actions.file_proposal(acting_user=None, region=region, **FORM, **PROPOSER)


@pytest.fixture
def diagnosing(programme, unit):  # noqa: F811
    """The unit's enrolment in the current programme, in diagnose: it takes ideas."""
    from labinov.lab import actions as lab_actions

    enrolled = lab_actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    Enrolment.objects.filter(pk=enrolled.pk).update(stage="diagnose")
    enrolled.refresh_from_db()
    return enrolled
