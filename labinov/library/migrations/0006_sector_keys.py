"""Every entry's sector in its one key (library/sectors.py): "Administrasi Kependudukan"
of a displayed innovation and "kependudukan" of the national data are one sector."""

from django.db import migrations


def to_keys(apps, schema_editor):
    from labinov.library.sectors import sector_key

    entry = apps.get_model("library", "LibraryEntry")
    for value in entry.objects.values_list("sector", flat=True).distinct().iterator():
        key = sector_key(value)
        if key != value:
            entry.objects.filter(sector=value).update(sector=key)


class Migration(migrations.Migration):
    dependencies = [("library", "0005_import_undo")]

    operations = [migrations.RunPython(to_keys, migrations.RunPython.noop)]
