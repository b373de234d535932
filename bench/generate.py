"""Generate a large knowledge base for speed benchmarks from the vocabulary of the real
records. Every generated record says so: ids are ``generated-0000001`` and names start
with "Generated". Texts keep the sentence shapes of the real ones with words drawn from the
real records' word frequencies, so common words ("warga", "pelayanan") are as common as in
real life and the index sees a realistic spread of rare and common terms.

Shape "copies" (``--shape copies``): each record is made of whole real texts, the way a
replication copies its source's description: the problem, solution and impact of a random
real record, each followed by the same field of 0 to 3 other real records (so the texts
are on average about 2.5 times as long as the real ones, and every word and sentence is
a real one). Ids are ``generated-copy-0000001``, names "Generated " + a real name + a
number.

    .venv/bin/python bench/generate.py 100000 var/bench/generated-100000.csv
    .venv/bin/python bench/generate.py --shape copies 100000 var/bench/copies-100000.csv
"""

import argparse
import csv
import itertools
import json
import random
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "labinov" / "library" / "data" / "innovations.jsonl"
COLUMNS = [
    "source_id",
    "name",
    "region",
    "province",
    "year",
    "agency",
    "form",
    "digital",
    "sector",
    "stage",
    "problem",
    "solution",
    "impact",
    "url",
]
TEXT = ("problem", "solution", "impact")


SHAPES = ("salad", "copies")


def generate(count: int, path: Path, seed: int = 2026, shape: str = "salad") -> None:
    if shape == "copies":
        generate_copies(count, path, seed)
        return
    rng = random.Random(seed)
    records = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    frequencies = Counter(w for r in records for f in TEXT for w in (r.get(f) or "").split())
    vocabulary, weights = zip(*frequencies.items(), strict=True)
    cumulative = list(itertools.accumulate(weights))
    names = Counter(w for r in records for w in r["name"].split())
    name_words = list(names)
    places = [(r["region"], r.get("province") or "", r.get("agency") or "") for r in records]
    path.parent.mkdir(parents=True, exist_ok=True)

    def remix(text: str) -> str:
        words = text.split()
        if not words:
            return ""
        swaps = rng.choices(vocabulary, cum_weights=cumulative, k=len(words))
        return " ".join(s if rng.random() < 0.35 else w for w, s in zip(words, swaps, strict=True))

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(1, count + 1):
            base = rng.choice(records)
            region, province, agency = rng.choice(places)
            writer.writerow(
                [
                    f"generated-{i:07d}",
                    "Generated " + " ".join(rng.sample(name_words, rng.randint(1, 4))),
                    region,
                    province,
                    rng.randint(2010, 2025),
                    agency,
                    base.get("form") or "",
                    "true" if base.get("digital") else "false",
                    base.get("sector") or "",
                    base.get("stage") or "",
                    remix(base.get("problem") or ""),
                    remix(base.get("solution") or ""),
                    remix(base.get("impact") or ""),
                    "",
                ]
            )


def generate_copies(count: int, path: Path, seed: int = 2026) -> None:
    """Records made of whole real texts (see the module's docstring)."""
    rng = random.Random(seed)
    records = [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]
    path.parent.mkdir(parents=True, exist_ok=True)

    def copied(base: dict, field: str) -> str:
        others = rng.sample(records, rng.randint(0, 3))
        return " ".join(t for t in (r.get(field) or "" for r in (base, *others)) if t)

    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for i in range(1, count + 1):
            base = rng.choice(records)
            writer.writerow(
                [
                    f"generated-copy-{i:07d}",
                    f"Generated {base['name']} {i}",
                    base["region"],
                    base.get("province") or "",
                    rng.randint(2010, 2025),
                    base.get("agency") or "",
                    base.get("form") or "",
                    "true" if base.get("digital") else "false",
                    base.get("sector") or "",
                    base.get("stage") or "",
                    copied(base, "problem"),
                    copied(base, "solution"),
                    copied(base, "impact"),
                    "",
                ]
            )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shape", choices=SHAPES, default="salad")
    parser.add_argument("count", type=int)
    parser.add_argument("path", type=Path)
    args = parser.parse_args()
    generate(args.count, args.path, shape=args.shape)
