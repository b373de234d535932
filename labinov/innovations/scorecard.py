"""The expo jury's scorecard: data with a version (labinov/innovations/data/scorecard_*.json)."""

import json
from decimal import Decimal
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_VERSION = "v1"


@cache
def scorecard(version: str = DEFAULT_VERSION) -> dict:
    path = DATA / f"scorecard_{version}.json"
    if not path.is_file():
        raise KeyError(version)
    card = json.loads(path.read_text(encoding="utf-8"))
    assert sum(c["weight"] for c in card["criteria"]) == 100, "weights must add up to 100"
    return card


def total(card: dict, scores: dict[str, int]) -> Decimal:
    """Weighted total out of 100."""
    top = Decimal(card["scale"]["max"])
    return sum(
        (Decimal(c["weight"]) * Decimal(scores[c["key"]]) / top for c in card["criteria"]),
        Decimal(0),
    ).quantize(Decimal("0.01"))
