"""The readiness self-assessment: its questions are versioned data in ``data/``."""

import json
from functools import cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
CURRENT_VERSION = "v1"


@cache
def questionnaire(version: str = CURRENT_VERSION) -> dict:
    return json.loads((DATA_DIR / f"readiness_{version}.json").read_text(encoding="utf-8"))


def score(answers: dict[str, int], version: str = CURRENT_VERSION) -> tuple[int, int]:
    """(score, maximum) of complete answers; raises KeyError/ValueError on bad ones."""
    data = questionnaire(version)
    values = {s["value"] for s in data["scale"]}
    total = 0
    for q in data["questions"]:
        value = int(answers[q["key"]])
        if value not in values:
            raise ValueError(q["key"])
        total += value
    return total, max(values) * len(data["questions"])


def band(percent: int, version: str = CURRENT_VERSION) -> str:
    label = ""
    for b in questionnaire(version)["bands"]:
        if percent >= b["min"]:
            label = b["label"]
    return label
