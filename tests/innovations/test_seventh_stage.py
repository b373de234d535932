"""A seventh stage, declared only here, carries an innovation through the one gate machine,
the locks and the pages with no other code change (issue 14): every module asks
``labinov.lab.stages`` for the stages when it needs them."""

import pytest

from labinov.accounts.models import Role
from labinov.core.errors import ActionError
from labinov.innovations import actions
from labinov.lab import actions as gate_actions
from labinov.lab import stages
from labinov.lab.stages import Stage, Subject, Work
from tests.innovations.conftest import take_through


@pytest.fixture
def seventh(monkeypatch):
    """An "evaluate" stage between display and documentation: its gate wants the
    innovation's public summary, and while in it only what is shown to the public (the
    summary, photos) may change."""
    evaluate = Stage(
        key="evaluate",
        label="Evaluasi",
        subject=Subject.INNOVATION,
        requirements={"innovation": ("evaluation_written",)},
        deciders=frozenset({Role.COACH}),
        allows={Subject.INNOVATION: frozenset({Work.DISPLAY})},
    )
    declared = list(stages.STAGES)
    declared.insert(stages.STAGE_KEYS.index(stages.keys_of(Subject.INNOVATION)[-1]), evaluate)
    monkeypatch.setattr(stages, "STAGES", tuple(declared))
    monkeypatch.setattr(stages, "STAGE_KEYS", tuple(s.key for s in declared))
    monkeypatch.setattr(stages, "BY_KEY", {s.key: s for s in declared})
    monkeypatch.setattr(
        stages, "REQUIREMENTS", {k: dict(v) for k, v in stages.REQUIREMENTS.items()}
    )
    stages.register_requirement(
        "innovation",
        "evaluation_written",
        "Evaluasi ditulis dalam ringkasan publik",
        lambda innovation: bool(innovation.public_summary.strip()),
    )
    assert len(stages.STAGES) == 7
    return evaluate


@pytest.mark.django_db
def test_an_innovation_moves_through_a_seventh_stage(seventh, innovation, people):
    coach = people["coach"]
    take_through(innovation, "design", "deliver", "display", decider=coach)
    assert innovation.stage == "evaluate"
    assert innovation.published_at is not None  # display still publishes

    # Its gate checks its own requirement, naming what is missing.
    head = people["unit_head"]
    actions.update_innovation(acting_user=head, innovation=innovation, public_summary="")
    refused = gate_actions.decide_gate(
        acting_user=coach, subject=innovation, stage="evaluate", decision="approved", reason="Cek"
    )
    assert refused.decision == "refused"
    assert [m["key"] for m in refused.missing] == ["evaluation_written"]

    # What the stage allows, and only that: the public summary yes, the action plan no.
    actions.update_innovation(
        acting_user=head, innovation=innovation, public_summary="Hasil evaluasi: 1 hari."
    )
    with pytest.raises(ActionError):
        actions.add_milestone(
            acting_user=head,
            innovation=innovation,
            title="Langkah baru",
            owner="Ketua",
            start=None,
            end=None,
            deliverable="Laporan",
        )

    passed = gate_actions.decide_gate(
        acting_user=coach, subject=innovation, stage="evaluate", decision="approved", reason="Baik"
    )
    innovation.refresh_from_db()
    assert (passed.decision, passed.from_stage, passed.to_stage) == (
        "approved",
        "evaluate",
        "documentation",
    )
    assert innovation.stage == "documentation"
    # The history holds the seventh stage's decisions, in order, and a coach can reopen it.
    assert [d.from_stage for d in innovation.gate_decisions.order_by("decided_at", "id")] == [
        "design",
        "deliver",
        "display",
        "evaluate",
        "evaluate",
    ]
    back = gate_actions.reopen_stage(acting_user=coach, subject=innovation, reason="Ulang")
    innovation.refresh_from_db()
    assert (back.to_stage, innovation.stage) == ("evaluate", "evaluate")


@pytest.mark.django_db
def test_the_pages_show_the_seventh_stage(seventh, innovation, people, client_for):
    take_through(innovation, "design", "deliver", "display", decider=people["coach"])
    page = client_for(people["coach"]).get(innovation.get_absolute_url()).content.decode()
    assert "Evaluasi" in page
    assert "Evaluasi ditulis dalam ringkasan publik" in page
