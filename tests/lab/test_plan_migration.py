"""The plan's migration: the twelve date columns of a programme become rows, and back.

Run on the test database (SQLite or PostgreSQL, whichever the suite runs on) with
Django's MigrationExecutor, so the real schema changes and the real data step run."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("lab", "0003_gate_decision_reopened")]
AFTER = [("lab", "0005_stage_plan")]
D = datetime.date


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def _leaves():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_dates_of_a_programme_become_rows_and_go_back():
    try:
        old = _migrate(BEFORE)
        Region = old.get_model("regions", "Region")
        Programme = old.get_model("lab", "LabProgramme")
        region = Region.objects.create(code="99.01", name="Kabupaten Uji", kind="kabupaten")
        dated = Programme.objects.create(
            region=region,
            title="Lab 2022",
            year=2022,
            drum_up_start=D(2022, 10, 12),
            drum_up_end=D(2022, 10, 13),
            diagnose_start=D(2022, 10, 12),
            diagnose_end=D(2022, 10, 13),
            display_start=D(2022, 12, 15),
            display_end=D(2022, 12, 18),
            documentation_start=D(2022, 12, 19),
        )
        undated = Programme.objects.create(region=region, title="Lab 2023", year=2023)

        new = _migrate(AFTER)
        StagePlan = new.get_model("lab", "StagePlan")
        rows = {r.stage: (r.start, r.end) for r in StagePlan.objects.filter(programme_id=dated.pk)}
        assert rows == {
            "drum_up": (D(2022, 10, 12), D(2022, 10, 13)),
            "diagnose": (D(2022, 10, 12), D(2022, 10, 13)),
            "display": (D(2022, 12, 15), D(2022, 12, 18)),
            "documentation": (D(2022, 12, 19), None),
        }
        assert not StagePlan.objects.filter(programme_id=undated.pk).exists()
        columns = {f.name for f in new.get_model("lab", "LabProgramme")._meta.fields}
        assert not {c for c in columns if c.endswith(("_start", "_end"))}

        old = _migrate(BEFORE)
        back = old.get_model("lab", "LabProgramme").objects.get(pk=dated.pk)
        assert (back.drum_up_start, back.drum_up_end) == (D(2022, 10, 12), D(2022, 10, 13))
        assert (back.display_start, back.display_end) == (D(2022, 12, 15), D(2022, 12, 18))
        assert (back.documentation_start, back.documentation_end) == (D(2022, 12, 19), None)
        assert (back.design_start, back.design_end) == (None, None)
    finally:
        _migrate(_leaves())
