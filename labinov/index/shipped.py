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
