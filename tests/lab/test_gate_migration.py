"""A gate decision belongs to its subject (issue 14): the migration moves every innovation's
decision from the unit's enrolment onto the innovation, loses none, and goes back again.

Rows are shaped like the demo's: a unit's drum-up and diagnose decisions (one refused with
missing items) and innovations' design to documentation decisions, linked to the
innovation by the old ``InnovationDecision``. Runs on SQLite and on PostgreSQL.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lab", "0003_gate_decision_reopened"), ("innovations", "0001_initial")]
AFTER = [
    ("lab", "0004_gate_decision_subject"),
    ("innovations", "0002_gate_decisions_of_innovations"),
]
WHEN = datetime.datetime(2022, 12, 15, 9, 0, tzinfo=datetime.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.fixture
def at_main():
    """The database at the migrations before this change; the latest again afterwards."""
    apps = _migrate(BEFORE)
    yield apps
    executor = MigrationExecutor(connection)
    _migrate(executor.loader.graph.leaf_nodes())


def _decision(apps, enrolment, from_stage, to_stage, decision="approved", missing=()):
    return apps.get_model("lab", "GateDecision").objects.create(
        enrolment=enrolment,
        from_stage=from_stage,
        to_stage=to_stage,
        decision=decision,
        reason=f"Alasan coach: {from_stage} {decision}",
        missing=[{"key": k, "label": k} for k in missing],
        decided_by_name="Coach Demo",
        decided_at=WHEN,
    )


def _demo_shaped(apps):
    """Two units; one with two innovations (one documented, one at display)."""
    region = apps.get_model("regions", "Region").objects.create(
        code="33.03", name="Kabupaten Purbalingga", kind="kabupaten"
    )
    Unit = apps.get_model("regions", "Unit")
    programme = apps.get_model("lab", "LabProgramme").objects.create(
        region=region, title="Laboratorium Inovasi 2022", year=2022
    )
    Enrolment = apps.get_model("lab", "Enrolment")
    Innovation = apps.get_model("innovations", "Innovation")
    Link = apps.get_model("innovations", "InnovationDecision")
    units = [
        Unit.objects.create(region=region, name=name, kind="opd")
        for name in ("Dinpendukcapil", "Dinkominfo")
    ]
    enrolments = [
        Enrolment.objects.create(programme=programme, unit=u, stage="design") for u in units
    ]
    expected = {}
    for enrolment in enrolments:
        unit_rows = [
            _decision(apps, enrolment, "drum_up", "diagnose", "refused", ["team_decree"]),
            _decision(apps, enrolment, "drum_up", "diagnose"),
            _decision(apps, enrolment, "diagnose", "design"),
        ]
        expected.update({d.pk: ("enrolment", enrolment.pk) for d in unit_rows})
    paths = [
        (enrolments[0], "Akta Lahir dari Puskesmas", ["design", "deliver", "display"], True),
        (enrolments[1], "Matur Bupati", ["design", "deliver"], False),
        (enrolments[1], "Purbalingga Satu Data", [], False),
    ]
    following = {
        "design": "deliver",
        "deliver": "display",
        "display": "documentation",
        "documentation": "documentation",
    }
    for enrolment, name, passed, documented in paths:
        innovation = Innovation.objects.create(
            enrolment=enrolment,
            name=name,
            stage="documentation" if documented else following[passed[-1]] if passed else "design",
            documented_at=WHEN if documented else None,
        )
        stages = passed + (["documentation"] if documented else [])
        rows = [_decision(apps, enrolment, "design", "deliver", "refused", ["action_plan"])]
        rows += [_decision(apps, enrolment, s, following[s]) for s in stages]
        for row in rows:
            Link.objects.create(innovation=innovation, decision=row)
            expected[row.pk] = ("innovation", innovation.pk)
    return expected


def _subjects(apps):
    return {
        d.pk: ("innovation", d.innovation_id) if d.innovation_id else ("enrolment", d.enrolment_id)
        for d in apps.get_model("lab", "GateDecision").objects.all()
    }


def _contents(apps):
    return sorted(
        apps.get_model("lab", "GateDecision").objects.values_list(
            "pk", "from_stage", "to_stage", "decision", "reason", "missing", "decided_at"
        )
    )


def test_every_innovation_decision_moves_onto_its_innovation_and_back(at_main):
    expected = _demo_shaped(at_main)
    contents = _contents(at_main)
    assert len(expected) == 6 + (1 + 4) + (1 + 2) + 1  # the units', then each innovation's

    after = _migrate(AFTER)
    assert _subjects(after) == expected
    assert _contents(after) == contents
    GateDecision = after.get_model("lab", "GateDecision")
    assert GateDecision.objects.filter(enrolment__isnull=False).count() == 6
    assert GateDecision.objects.filter(innovation__isnull=False).count() == 9
    assert not GateDecision.objects.filter(enrolment__isnull=False, innovation__isnull=False)

    before = _migrate(BEFORE)
    Link = before.get_model("innovations", "InnovationDecision")
    Innovation = before.get_model("innovations", "Innovation")
    assert Link.objects.count() == 9
    for link in Link.objects.select_related("decision"):
        assert (
            link.decision.enrolment_id == Innovation.objects.get(pk=link.innovation_id).enrolment_id
        )
        assert expected[link.decision_id] == ("innovation", link.innovation_id)
    assert _contents(before) == contents


def test_a_decision_with_no_subject_or_two_is_refused_after_the_migration(at_main):
    from django.db import IntegrityError, transaction

    _demo_shaped(at_main)
    after = _migrate(AFTER)
    GateDecision = after.get_model("lab", "GateDecision")
    one = GateDecision.objects.filter(innovation__isnull=False).first()
    for change in ({"enrolment_id": None, "innovation_id": None}, {"enrolment_id": 1}):
        with pytest.raises(IntegrityError), transaction.atomic():
            GateDecision.objects.filter(pk=one.pk).update(**change)
