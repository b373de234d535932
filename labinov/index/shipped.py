"""The rubric versions shipped with Labinov (``data/``), loaded by a migration so that a
fresh installation can score from its first ``migrate``. Run time reads the database."""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
SHIPPED = ("rubric-2023.json", "rubric-2026.json")


def provenance() -> str:
    return "\n\n".join(
        (DATA / name).read_text(encoding="utf-8") for name in ("README.md", "README.source.md")
    )


def shipped_rubrics() -> list[tuple[str, dict]]:
    return [(name, json.loads((DATA / name).read_text(encoding="utf-8"))) for name in SHIPPED]


def ensure_shipped_rubrics(acting_user) -> list[str]:
    """Load the shipped versions that the database lacks (a database emptied after its
    migrations, e.g. by ``flush``); versions present are left as they are."""
    from labinov.index.actions import load_rubric
    from labinov.index.models import Rubric

    loaded = []
    for name, data in shipped_rubrics():
        if not Rubric.objects.filter(version=data["rubric_id"]).exists():
            load_rubric(acting_user=acting_user, data=data, file_name=name, provenance=provenance())
            loaded.append(data["rubric_id"])
    return loaded
