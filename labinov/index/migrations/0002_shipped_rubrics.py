"""Load the shipped rubric versions (IID-2023, IID-2026) with their provenance. A version
already present is left as it is (an administrator may have replaced it)."""

from django.db import migrations


def load(apps, schema_editor):
    from labinov.index.actions import digest
    from labinov.index.rubric import validate
    from labinov.index.shipped import provenance, shipped_rubrics

    Rubric = apps.get_model("index", "Rubric")
    text = provenance()
    for name, data in shipped_rubrics():
        errors = validate(data)
        if errors:
            raise RuntimeError(f"{name}: {errors}")
        if not Rubric.objects.filter(version=data["rubric_id"]).exists():
            Rubric.objects.create(
                version=data["rubric_id"],
                data=data,
                provenance=text,
                file_name=name,
                sha256=digest(data),
                loaded_by="migration index/0002",
            )


class Migration(migrations.Migration):
    dependencies = [("index", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
