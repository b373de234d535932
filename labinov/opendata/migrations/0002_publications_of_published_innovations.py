"""Innovations published before the publication log existed get their row, from their
knowledge-base entry, so that the open feed lists them."""

from django.db import migrations
from django.utils import timezone

COLUMNS = [
    "source_id", "name", "region", "province", "year", "agency", "form", "digital",
    "sector", "stage", "problem", "solution", "impact", "url",
]  # fmt: skip


def forwards(apps, schema_editor):
    Innovation = apps.get_model("innovations", "Innovation")
    LibraryEntry = apps.get_model("library", "LibraryEntry")
    Publication = apps.get_model("opendata", "Publication")
    for innovation in Innovation.objects.filter(published_at__isnull=False).select_related(
        "enrolment__programme"
    ):
        source_id = f"labinov-innovation-{innovation.pk}"
        entry = LibraryEntry.objects.filter(source="labinov", source_id=source_id).first()
        if entry is None or Publication.objects.filter(innovation=innovation).exists():
            continue
        Publication.objects.create(
            innovation=innovation,
            region_id=innovation.enrolment.programme.region_id,
            source_id=source_id,
            row={c: getattr(entry, c) for c in COLUMNS},
            first_published_at=innovation.published_at,
            updated_at=entry.updated_at or timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("opendata", "0001_initial"),
        ("library", "0005_import_undo"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
