"""A second process that keeps writing while a backup is taken (run by
tests/core/test_backup_concurrent.py, not collected by pytest).

    python backup_writer.py READY_FILE STOP_FILE

It writes through the actions, as the application does: every round creates a unit (one
transaction: the unit and its "unit.created" audit event, which points at the unit) and,
every third round, adds a photo to a demo innovation (a file in the storage, a row that
names it and an audit event), its display stage reopened first if it has passed it. It
touches READY_FILE after its first rounds, and stops when STOP_FILE appears, or after a
bounded number of rounds.
"""

import io
import os
import sys
from pathlib import Path

ROUNDS = 20_000


def main(ready: Path, stop: Path) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labinov.settings")
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from PIL import Image

    from labinov.core.system import SystemActor
    from labinov.innovations.actions.delivery import add_photo
    from labinov.innovations.models import Innovation
    from labinov.lab.actions import reopen_stage
    from labinov.lab.stages import Work
    from labinov.regions.actions import create_unit
    from labinov.regions.models import Region, Unit

    system = SystemActor("test: penulis serentak")
    region = Region.objects.order_by("pk").first()
    innovations = list(Innovation.objects.filter(documented_at__isnull=True).order_by("pk"))
    innovation = next((i for i in innovations if i.allows(Work.DISPLAY)), None)
    if innovation is None and innovations:  # the demo's displayed one is further on: reopen
        innovation = max(innovations, key=lambda i: i.stage_index)
        while not innovation.allows(Work.DISPLAY):
            reopen_stage(acting_user=system, subject=innovation, reason="Foto uji serentak")
            innovation.refresh_from_db()
    for n in range(ROUNDS):
        if stop.exists():
            break
        create_unit(
            acting_user=system, region=region, name=f"Unit serentak {n}", kind=Unit.Kind.DESA
        )
        if innovation is not None and n % 3 == 0:
            picture = io.BytesIO()
            Image.new("RGB", (8, 8), (n % 256, 40, 90)).save(picture, "PNG")
            add_photo(
                acting_user=system,
                innovation=innovation,
                image=ContentFile(picture.getvalue(), name=f"serentak-{n}.png"),
                caption=f"Foto serentak {n}",
            )
        if n == 5:
            ready.touch()
    ready.touch()


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
