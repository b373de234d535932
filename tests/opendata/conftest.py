"""Published and unpublished innovations with private work beside them, for the tests
that prove nothing private reaches open data."""

import pytest
from django.core.files.base import ContentFile

from labinov.core.system import SystemActor
from labinov.innovations import actions
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from tests.factories import UnitFactory
from tests.innovations.conftest import (  # noqa: F401
    _media,
    designing,
    idea,
    innovation,
    take_through,
)
from tests.lab.conftest import enrolment, programme  # noqa: F401

SYSTEM = SystemActor("uji")

#: Text that only the region's people may read: it must never reach open data.
PRIVATE = {
    "aims": "TUJUAN-RAHASIA-7781",
    "evidence": "BUKTI-RAHASIA-5512",
    "evidence_link": "https://bukti.example.invalid/rahasia-9934",
    "comment": "KOMENTAR-RAHASIA-2290",
    "risk": "RISIKO-RAHASIA-6617",
    "legal": "DASAR-HUKUM-RAHASIA-4410",
    "unpublished": "Inovasi Belum Terbit Rahasia",
}


@pytest.fixture
def published(innovation, people):  # noqa: F811
    # The design is written while the innovation is in design (its stage allows it).
    actions.update_innovation(
        acting_user=SYSTEM,
        innovation=innovation,
        aims=PRIVATE["aims"],
        design_legal_basis=PRIVATE["legal"] + " " + "kata " * 60,
    )
    take_through(innovation, "design", "deliver", decider=people["coach"])
    milestone = innovation.milestones.first()
    actions.record_progress(
        acting_user=SYSTEM,
        milestone=milestone,
        progress=100,
        note=PRIVATE["evidence"],
        link=PRIVATE["evidence_link"],
        file=ContentFile(b"%PDF-1.4 rahasia", name="bukti-rahasia.pdf"),
    )
    actions.add_risk(acting_user=SYSTEM, innovation=innovation, description=PRIVATE["risk"])
    actions.add_monitoring_comment(
        acting_user=people["coach"], innovation=innovation, text=PRIVATE["comment"]
    )
    take_through(innovation, "display", decider=people["coach"])
    innovation.refresh_from_db()
    return innovation


@pytest.fixture
def unpublished(idea, region, programme):  # noqa: F811
    """An innovation of another unit of the same programme, still in design."""
    unit = UnitFactory(region=region, name="Kecamatan Uji")
    enrolled = lab_actions.enrol_units(acting_user=SYSTEM, programme=programme, units=[unit])[0]
    Enrolment.objects.filter(pk=enrolled.pk).update(stage="design")
    made = actions.create_innovation(acting_user=SYSTEM, idea=idea, name=PRIVATE["unpublished"])
    type(made).objects.filter(pk=made.pk).update(enrolment=enrolled)
    made.refresh_from_db()
    return made


def assert_nothing_private(text: str, people=None) -> None:
    for key, value in PRIVATE.items():
        assert value not in text, f"{key} leaked"
    for person in (people or {}).values():
        if person.email:
            assert person.email not in text, f"{person.username}'s email leaked"
        assert person.get_username() not in text, f"{person.username} leaked"
