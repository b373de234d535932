"""A gate decision belongs to its subject: an enrolment or an innovation, exactly one.

The innovations' decisions are moved onto their innovation by the innovations app's
``0002_gate_decisions_of_innovations``, which runs after this one.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lab", "0003_gate_decision_reopened"),
        ("innovations", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gatedecision",
            name="innovation",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="gate_decisions",
                to="innovations.innovation",
            ),
        ),
        migrations.RemoveConstraint(
            model_name="gatedecision",
            name="gate_decision_has_a_subject",
        ),
        migrations.AddConstraint(
            model_name="gatedecision",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("enrolment__isnull", False), ("innovation__isnull", True)),
                    models.Q(("enrolment__isnull", True), ("innovation__isnull", False)),
                    _connector="OR",
                ),
                name="gate_decision_has_one_subject",
            ),
        ),
    ]
