"""Score the whole country's regional innovation index in one run.

546 regions (BSKDN's count of autonomous regions) and 36,742 innovations (the 2025
reporting, DOMAIN.md), every answer GENERATED at random from a fixed seed: not real data.
Each region gets the regional-government answers and each innovation its indicator
answers (a level 0-3 and whether evidence is attached) and one of the government affairs
(urusan); a share of innovations is ineligible. The run times the score engine
(``labinov.index.engine.score``) over all regions, with the rubric compiled from the
shipped file, and optionally "what is missing" too (``--missing``).

    .venv/bin/python bench/score.py                    # IID-2026, 5 runs, prints the median
    .venv/bin/python bench/score.py --rubric IID-2023 --runs 7 --missing

Standard library only, besides Labinov itself. No database: the engine is pure functions
over plain data; reading the answers from the database is another cost, not measured here.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "labinov.settings")

REGIONS = 546
INNOVATIONS = 36_742
SEED = 20251231
AFFAIRS = (
    "Pendidikan",
    "Kesehatan",
    "Pekerjaan Umum dan Penataan Ruang",
    "Perumahan Rakyat dan Kawasan Permukiman",
    "Ketenteraman, Ketertiban Umum, dan Perlindungan Masyarakat",
    "Sosial",
    "Administrasi Kependudukan dan Pencatatan Sipil",
    "Komunikasi dan Informatika",
    "Pertanian",
    "Perhubungan",
)


def generate(model, regions: int, innovations: int, seed: int):
    """[(region answers, [InnovationInput])], generated (labelled so in every name)."""
    from labinov.index.engine import InnovationInput

    rng = random.Random(seed)
    # Innovations spread unevenly over regions, as reporting is: a few regions report many.
    weights = [rng.paretovariate(1.5) for _ in range(regions)]
    scale = innovations / sum(weights)
    counts = [int(w * scale) for w in weights]
    for n in range(innovations - sum(counts)):
        counts[n % regions] += 1
    country, serial = [], 0
    for r in range(regions):
        region_answers = {
            item.key: (rng.randint(0, item.top), rng.random() < 0.8) for item in model.region_items
        }
        listed = []
        for _n in range(counts[r]):
            serial += 1
            answers = {
                item.key: (rng.randint(0, item.top), rng.random() < 0.7)
                for item in model.innovation_items
                if rng.random() < 0.85
            }
            reasons = ["generated: outside the window"] if rng.random() < 0.1 else []
            listed.append(
                InnovationInput(
                    id=serial,
                    name=f"Inovasi hasil generator {serial}",
                    answers=answers,
                    affairs=rng.choice(AFFAIRS),
                    reasons=reasons,
                )
            )
        country.append((region_answers, listed))
    return country


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rubric", default="IID-2026", help="a shipped version (IID-2023, IID-2026)"
    )
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--year", type=int, default=2026)
    parser.add_argument(
        "--missing", action="store_true", help="also rank what is missing (top 25 a region)"
    )
    args = parser.parse_args()

    import django

    django.setup()
    from labinov.index import engine
    from labinov.index.rubric import compile_rubric, validate
    from labinov.index.shipped import shipped_rubrics

    documents = {data["rubric_id"]: data for _name, data in shipped_rubrics()}
    document = documents[args.rubric]
    assert validate(document) == []
    model = compile_rubric(document)
    started = time.perf_counter()
    country = generate(model, REGIONS, INNOVATIONS, SEED)
    generated = time.perf_counter() - started
    answers = sum(len(i.answers) for _r, listed in country for i in listed)
    print(
        f"generated {len(country)} regions, {sum(len(x) for _r, x in country)} innovations, "
        f"{answers} innovation answers in {generated:.2f} s (GENERATED data, seed {SEED})"
    )
    times = []
    for run in range(args.runs):
        started = time.perf_counter()
        results = [engine.score(model, region, listed, args.year) for region, listed in country]
        if args.missing:
            for region, listed in country:
                engine.missing(model, region, listed, args.year, limit=25)
        times.append(time.perf_counter() - started)
        print(f"run {run + 1}: {times[-1]:.3f} s")
    categories = {}
    for result in results:
        categories[result["category"]] = categories.get(result["category"], 0) + 1
    median = statistics.median(times)
    print(f"{args.rubric}, year {args.year}: median {median:.3f} s over {args.runs} runs")
    print("categories (generated data):", dict(sorted(categories.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
