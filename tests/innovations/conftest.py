import datetime
import io

import pytest
from django.core.files.base import ContentFile

from labinov.core.system import SystemActor
from labinov.innovations import actions
from labinov.lab import actions as gate_actions
from labinov.lab import actions as lab_actions
from labinov.lab.models import Enrolment
from tests.lab.conftest import add_problem, complete_drum_up, enrolment, programme  # noqa: F401

SYSTEM = SystemActor("uji")

#: A design of 6 sections x 60 words: above the 300 words the design gate requires.
SECTION = " ".join(["Layanan akta kelahiran daring dari puskesmas tempat bayi lahir."] * 7)
DESIGN = dict.fromkeys(
    (
        "design_legal_basis",
        "design_problem",
        "design_strategic_issue",
        "design_method",
        "design_advantages",
        "design_stages",
    ),
    SECTION,
)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), "#2f6f9f").save(out, "PNG")
    return out.getvalue()


#: A small real PNG, for photos and evidence.
PNG = _png()


@pytest.fixture
def designing(enrolment):  # noqa: F811
    """The unit has passed drum-up and diagnose: its ideas may become innovations."""
    Enrolment.objects.filter(pk=enrolment.pk).update(stage="design")
    enrolment.refresh_from_db()
    return enrolment


def _at(subject, stage):
    Enrolment.objects.filter(pk=subject.pk).update(stage=stage)
    subject.refresh_from_db()


@pytest.fixture
def idea(designing):
    """A selected idea, written in diagnose; the unit has since passed its gate."""
    _at(designing, "diagnose")
    problem = add_problem(
        designing, baseline_days=14, baseline_steps=6, baseline_cost=50000, baseline_requirements=5
    )
    from labinov.lab.models import UsgScore
    from tests.factories import UserFactory

    UsgScore.objects.create(
        problem=problem, scorer=UserFactory(), urgency=5, seriousness=5, growth=5
    )
    made = lab_actions.add_idea(
        acting_user=SYSTEM,
        problem=problem,
        title="Akta Lahir dari Puskesmas",
        description="Akta diterbitkan langsung di puskesmas.",
        is_new=True,
        benefits=True,
        no_burden=True,
        in_authority=True,
        replicable=True,
    )
    _at(designing, "design")
    return made


def at_stage(innovation, stage):
    """Put the innovation in a stage directly (test set-up), for work that stage allows."""
    from labinov.innovations.models import Innovation

    Innovation.objects.filter(pk=innovation.pk).update(stage=stage)
    innovation.refresh_from_db()
    return innovation


@pytest.fixture
def innovation(idea):
    return actions.create_innovation(acting_user=SYSTEM, idea=idea)


def fill_design(innovation):
    actions.update_innovation(
        acting_user=SYSTEM, innovation=innovation, affairs="Administrasi Kependudukan", **DESIGN
    )
    actions.add_milestone(
        acting_user=SYSTEM,
        innovation=innovation,
        title="Uji coba di dua puskesmas",
        owner="Ketua tim",
        start=datetime.date(2022, 11, 1),
        end=datetime.date(2023, 1, 31),
        deliverable="Akta terbit di puskesmas",
        budget=5_000_000,
        stakeholders="Dinkes, Disdukcapil",
    )
    actions.set_service_measure(acting_user=SYSTEM, innovation=innovation, measure="days", target=1)


def fill_deliver(innovation):
    actions.update_innovation(
        acting_user=SYSTEM, innovation=innovation, trial_date=datetime.date(2022, 11, 1)
    )
    milestone = innovation.milestones.first()
    actions.record_progress(
        acting_user=SYSTEM, milestone=milestone, progress=100, note="420 akta terbit"
    )
    actions.set_service_measure(
        acting_user=SYSTEM, innovation=innovation, measure="days", target=1, actual=1
    )


def fill_display(innovation):
    actions.update_innovation(
        acting_user=SYSTEM,
        innovation=innovation,
        launch_date=datetime.date(2022, 12, 15),
        launch_occasion="Purbalingga Expo",
        public_summary="Orang tua kini menerima akta kelahiran di puskesmas, tanpa ke kantor.",
    )
    actions.add_photo(
        acting_user=SYSTEM, innovation=innovation, image=ContentFile(PNG, name="foto.png")
    )


def fill_documentation(innovation):
    actions.update_innovation(
        acting_user=SYSTEM,
        innovation=innovation,
        aims="Akta lebih cepat.",
        benefits="Orang tua tidak perlu datang ke kantor.",
        expected_results="Akta terbit dalam satu hari.",
    )


FILLERS = {
    "design": fill_design,
    "deliver": fill_deliver,
    "display": fill_display,
    "documentation": fill_documentation,
}


def take_through(innovation, *stages, decider=SYSTEM):
    """Fill each stage's requirements and pass its gate."""
    for stage in stages:
        FILLERS[stage](innovation)
        record = gate_actions.decide_gate(
            acting_user=decider,
            subject=innovation,
            stage=innovation.stage,
            decision="approved",
            reason="Lengkap.",
        )
        assert record.decision == "approved", record.missing
        innovation.refresh_from_db()
    return innovation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
