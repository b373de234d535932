"""Relevance of the knowledge-base search on hand-judged queries.

    .venv/bin/python bench/relevance.py [--queries bench/data/queries.jsonl ...]
        [--records labinov/library/data/innovations.jsonl] [--verbose]

``--queries`` may be given several times (e.g. the dev, tuned and untouched sets): the
records are imported once and each set gets its own table.

Imports the records into a throwaway SQLite database through the real import action, asks
every query through the real search (``labinov.library.search.engine.search``), and prints
Recall@10 (hits on ``relevant`` / min(10, relevant)) and graded nDCG@10 (relevant = gain
2, partial = gain 1), beside two baselines computed in the same run over the same records:

- plain BM25 over all text fields, lower-cased words, no Indonesian processing;
- BM25 with Sastrawi stems and stop words (no field weights, no lexicon, no spelling).
"""

import argparse
import json
import math
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_FIELDS = ("name", "problem", "solution", "impact", "agency", "sector", "region", "province")


def metrics(ranked: list[str], relevant: set[str], partial: set[str]) -> tuple[float, float]:
    top = ranked[:10]
    # A query with more than 10 relevant records can at best find 10 of them.
    recall = len(relevant & set(top)) / min(10, len(relevant)) if relevant else 1.0
    gains = [2 if k in relevant else 1 if k in partial else 0 for k in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted([2] * len(relevant) + [1] * len(partial), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, (dcg / idcg if idcg else 0.0)


class BM25:
    def __init__(self, docs: dict[str, list[str]], k1=1.2, b=0.75):
        self.docs = {k: Counter(v) for k, v in docs.items()}
        self.lengths = {k: len(v) for k, v in docs.items()}
        self.avg = sum(self.lengths.values()) / len(docs)
        self.df = Counter(t for c in self.docs.values() for t in c)
        self.n, self.k1, self.b = len(docs), k1, b

    def rank(self, terms: list[str]) -> list[str]:
        scores = {}
        for key, counts in self.docs.items():
            s = 0.0
            for t in set(terms):
                tf = counts.get(t, 0)
                if tf:
                    idf = math.log(1 + (self.n - self.df[t] + 0.5) / (self.df[t] + 0.5))
                    norm = 1 - self.b + self.b * self.lengths[key] / self.avg
                    s += idf * tf * (self.k1 + 1) / (tf + self.k1 * norm)
            if s > 0:
                scores[key] = s
        return sorted(scores, key=lambda k: (-scores[k], k))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--queries",
        action="append",
        help="a JSON Lines file of judged queries; several allowed "
        "(default: bench/data/queries.jsonl)",
    )
    parser.add_argument(
        "--records", default=str(ROOT / "labinov" / "library" / "data" / "innovations.jsonl")
    )
    parser.add_argument("--verbose", action="store_true", help="list the queries that miss")
    parser.add_argument(
        "--postgres-url",
        help="run on this PostgreSQL database instead (dropped and created afresh), e.g. "
        "postgres://postgres@127.0.0.1:5432/labinov_relevance",
    )
    args = parser.parse_args()
    args.queries = args.queries or [str(ROOT / "bench" / "data" / "queries.jsonl")]

    tmp = Path(tempfile.mkdtemp(prefix="labinov-relevance-"))
    url = f"sqlite:///{tmp / 'db.sqlite3'}"
    if args.postgres_url:
        import psycopg

        url = args.postgres_url
        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=url,
        LABINOV_DATA_DIR=str(tmp),
        SECRET_KEY="relevance-bench-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="labinov.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    from labinov.core.system import SystemActor
    from labinov.library import actions
    from labinov.library.exchange import read_file
    from labinov.library.search import analysis, embeddings, engine

    call_command("migrate", verbosity=0)
    with open(args.records, "rb") as stream:
        parsed = read_file(stream, Path(args.records).name)
    records = [row for _n, row in parsed.rows]
    actions.import_entries(acting_user=SystemActor("bench"), rows=records)

    def text(r):
        return " ".join(str(r.get(f) or "").replace("_", " ") for f in TEXT_FIELDS)

    plain = BM25({r["source_id"]: analysis.words(text(r)) for r in records})
    stemmed = BM25({r["source_id"]: analysis.terms(text(r)) for r in records})
    systems = {
        "plain BM25 (no Indonesian processing)": lambda q: plain.rank(analysis.words(q)),
        "BM25 + Sastrawi stems and stop words": lambda q: stemmed.rank(analysis.terms(q)),
        "Labinov search": lambda q: [
            h.entry.source_id
            for h in engine.search(q, limit=10, snippets=False, semantic=False).hits
        ],
    }
    if embeddings.enabled():  # the optional extra is installed
        embeddings.embed_missing()
        systems["Labinov search + embedding re-ranking"] = lambda q: [
            h.entry.source_id for h in engine.search(q, limit=10, snippets=False).hits
        ]
    for path in args.queries:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        queries = [json.loads(line) for line in lines if line.strip()]
        report(
            systems,
            queries,
            f"{len(records)} records, {len(queries)} queries "
            f"({Path(path).name}), {'PostgreSQL' if args.postgres_url else 'SQLite'}",
            verbose=args.verbose,
        )


def report(systems, queries, title: str, *, verbose: bool) -> None:
    print(f"\n{title}\n")
    print(f"{'system':<42} {'nDCG@10':>8} {'Recall@10':>10} {'ms/search':>10}")
    for name, run in systems.items():
        recalls, ndcgs, timings = [], [], []
        for q in queries:
            started = time.perf_counter()
            ranked = run(q["query"])
            timings.append(1000 * (time.perf_counter() - started))
            recall, ndcg = metrics(ranked, set(q["relevant"]), set(q.get("partial", [])))
            recalls.append(recall)
            ndcgs.append(ndcg)
            if verbose and name.startswith("Labinov search") and recall < 1:
                print(f"   miss {recall:.2f} {ndcg:.2f} {q['query']}")
        print(
            f"{name:<42} {sum(ndcgs) / len(ndcgs):>8.3f} {sum(recalls) / len(recalls):>10.3f}"
            f" {statistics.median(timings):>10.1f}"
        )


if __name__ == "__main__":
    main()
