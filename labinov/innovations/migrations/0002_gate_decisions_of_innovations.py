"""An innovation's gate decisions become its own: each ``InnovationDecision`` link moves
onto its ``GateDecision`` (innovation set, the unit's enrolment cleared), then the link
table goes. Backwards, the links come back and the decisions return to the enrolment.
"""

from django.db import migrations


def _flush_constraint_checks(schema_editor):
    # PostgreSQL checks foreign keys at commit (deferred); the table is altered next in
    # this transaction, which it refuses while checks are pending. Run them now.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def to_innovations(apps, schema_editor):
    GateDecision = apps.get_model("lab", "GateDecision")
    InnovationDecision = apps.get_model("innovations", "InnovationDecision")
    links = InnovationDecision.objects.values_list("decision_id", "innovation_id")
    for decision_id, innovation_id in list(links):
        GateDecision.objects.filter(pk=decision_id).update(
            innovation_id=innovation_id, enrolment_id=None
        )
    _flush_constraint_checks(schema_editor)


def to_enrolments(apps, schema_editor):
    GateDecision = apps.get_model("lab", "GateDecision")
    Innovation = apps.get_model("innovations", "Innovation")
    InnovationDecision = apps.get_model("innovations", "InnovationDecision")
    enrolment_of = dict(Innovation.objects.values_list("pk", "enrolment_id"))
    rows = GateDecision.objects.filter(innovation__isnull=False)
    for decision_id, innovation_id in list(rows.values_list("pk", "innovation_id")):
        GateDecision.objects.filter(pk=decision_id).update(
            enrolment_id=enrolment_of[innovation_id], innovation_id=None
        )
        InnovationDecision.objects.create(decision_id=decision_id, innovation_id=innovation_id)
    _flush_constraint_checks(schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("innovations", "0001_initial"),
        ("lab", "0004_gate_decision_subject"),
    ]

    operations = [
        migrations.RunPython(to_innovations, to_enrolments),
        migrations.DeleteModel(name="InnovationDecision"),
    ]
