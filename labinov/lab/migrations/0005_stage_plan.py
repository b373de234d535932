"""A programme's planned dates become rows, one per stage (``StagePlan``), instead of twelve
``<stage>_start``/``<stage>_end`` columns: a stage added to the declaration then needs no
new column.

The stage keys below are the columns as they stood when this migration was written: a
migration is history and must not follow later changes of ``lab/stages.py``.
"""

import django.db.models.deletion
from django.db import migrations, models

#: The stages that had date columns on ``LabProgramme``, in their order then.
COLUMN_STAGES = ("drum_up", "diagnose", "design", "deliver", "display", "documentation")
STAGE_CHOICES = [
    ("drum_up", "Drum-up"),
    ("diagnose", "Diagnose"),
    ("design", "Design"),
    ("deliver", "Deliver"),
    ("display", "Display"),
    ("documentation", "Documentation"),
]


def columns_to_rows(apps, schema_editor):
    LabProgramme = apps.get_model("lab", "LabProgramme")
    StagePlan = apps.get_model("lab", "StagePlan")
    rows = []
    for programme in LabProgramme.objects.order_by("pk").iterator():
        for key in COLUMN_STAGES:
            start = getattr(programme, f"{key}_start")
            end = getattr(programme, f"{key}_end")
            if start is None and end is None:
                continue
            if start is not None and end is not None and end < start:
                # The old form let no such pair in; a row written around it keeps its start.
                end = None
            rows.append(StagePlan(programme_id=programme.pk, stage=key, start=start, end=end))
    StagePlan.objects.bulk_create(rows, batch_size=500)


def rows_to_columns(apps, schema_editor):
    LabProgramme = apps.get_model("lab", "LabProgramme")
    StagePlan = apps.get_model("lab", "StagePlan")
    for row in StagePlan.objects.filter(stage__in=COLUMN_STAGES).iterator():
        LabProgramme.objects.filter(pk=row.programme_id).update(
            **{f"{row.stage}_start": row.start, f"{row.stage}_end": row.end}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("lab", "0004_gate_decision_subject"),
    ]

    operations = [
        migrations.CreateModel(
            name="StagePlan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "stage",
                    models.CharField(choices=STAGE_CHOICES, max_length=20, verbose_name="stage"),
                ),
                ("start", models.DateField(blank=True, null=True, verbose_name="starts")),
                ("end", models.DateField(blank=True, null=True, verbose_name="ends")),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="plan_rows",
                        to="lab.labprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "planned stage",
                "verbose_name_plural": "planned stages",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("programme", "stage"), name="stage_plan_once"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("start__isnull", False), ("end__isnull", False), _connector="OR"),
                        name="stage_plan_has_a_date",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            ("start__isnull", True),
                            ("end__isnull", True),
                            ("end__gte", models.F("start")),
                            _connector="OR",
                        ),
                        name="stage_plan_ends_after_start",
                    ),
                ],
            },
        ),
        migrations.RunPython(columns_to_rows, rows_to_columns),
        *[
            migrations.RemoveField(model_name="labprogramme", name=f"{key}_{end}")
            for key in COLUMN_STAGES
            for end in ("start", "end")
        ],
    ]
