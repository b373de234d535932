"""Relevance at scale: the real records hidden among generated word salad.

    .venv/bin/python bench/scale_relevance.py --generated 200000 [--database sqlite]
        [--queries bench/data/queries.jsonl] [--records labinov/library/data/innovations.jsonl]
        [--verify] [--reuse]
    .venv/bin/python bench/scale_relevance.py --generated 200000 --database postgresql \\
        --postgres-url postgres://postgres@127.0.0.1:5432/labinov_scale_relevance

Builds a corpus of the 288 real records plus ``--generated`` GENERATED records (cached in
var/bench/): every generated field is word salad, drawn word by word (independently, by
frequency) from that field's words in the real records, its length that of the field of a
random real record; the categorical fields (region, province, agency, sector, form, stage,
digital, year) are those of a random real record. No sentence is copied. Generated records
say so: their ``source_id`` is ``generated-NNNNNNN``. The real records are shuffled in
among them.

The corpus is imported through ``labinov import-library`` into a fresh database, and every
graded query (``--queries``) is asked, in the same run, of:

- Labinov's search (``engine.search``, lexical: the background embedding of 200,000
  entries is not waited for), timed in-process;
- exhaustive plain BM25 over the same records (tantivy from PyPI, ``pip install tantivy``:
  all text fields as one, its default tokenizer, the query's words ORed; tantivy's top-k
  is exact);
- with ``--verify``: the engine's own exact ranking, scoring every record that matches any
  of the query's concepts with ``ranking.score`` (slow: the whole corpus each query), and
  how many queries' top 10 differ from Labinov's.

Prints nDCG@10 (relevant = 2, partial = 1) and Recall@10 (hits / min(10, relevant)) per
system, and Labinov's search latency p50 / p95.
"""

import argparse
import itertools
import json
import os
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_FIELDS = ("name", "problem", "solution", "impact", "agency", "sector", "region", "province")
SALAD_FIELDS = ("name", "problem", "solution", "impact")
CATEGORICAL = ("region", "province", "agency", "sector", "form", "stage", "digital", "year")


def metrics(ranked: list[str], relevant: set[str], partial: set[str]) -> tuple[float, float]:
    """(Recall@10 as hits / min(10, relevant), graded nDCG@10)."""
    import math

    top = ranked[:10]
    recall = len(relevant & set(top)) / min(10, len(relevant)) if relevant else 1.0
    gains = [2 if k in relevant else 1 if k in partial else 0 for k in top]
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal = sorted([2] * len(relevant) + [1] * len(partial), reverse=True)[:10]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return recall, (dcg / idcg if idcg else 0.0)


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def build_corpus(records: list[dict], count: int, path: Path, seed: int) -> None:
    """Write the real records and ``count`` GENERATED word-salad records, shuffled, as
    JSON Lines (see the module's docstring)."""
    rng = random.Random(seed)
    pools = {}
    for name in SALAD_FIELDS:
        freq = Counter(w for r in records for w in (r.get(name) or "").split())
        words, weights = zip(*freq.items(), strict=True)
        pools[name] = (words, list(itertools.accumulate(weights)))
    real_at = set(rng.sample(range(count + len(records)), len(records)))
    real = iter(records)
    generated = 0
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as out:
        for position in range(count + len(records)):
            if position in real_at:
                out.write(json.dumps(next(real), ensure_ascii=False) + "\n")
                continue
            generated += 1
            row = {"source_id": f"generated-{generated:07d}", "url": ""}
            for name in SALAD_FIELDS:
                template = rng.choice(records).get(name) or ""
                words, cumulative = pools[name]
                n = len(template.split())
                row[name] = " ".join(rng.choices(words, cum_weights=cumulative, k=n))
            categorical = rng.choice(records)
            for name in CATEGORICAL:
                row[name] = categorical.get(name)
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def jsonl_rows(corpus: Path):
    """The records of a JSON-lines corpus, one dict each, read as they are asked for."""

    def rows():
        with corpus.open(encoding="utf-8") as stream:
            for line in stream:
                yield json.loads(line)

    return rows


def tantivy_bm25(rows, directory: Path):
    """An exhaustive plain-BM25 ranker over the records ``rows()`` yields (tantivy), as a
    function of a query's words. The index is written into ``directory`` once and kept."""
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("key", stored=True, tokenizer_name="raw")
    builder.add_text_field("text", stored=False)
    schema = builder.build()
    fresh = not (directory / "meta.json").exists()
    directory.mkdir(parents=True, exist_ok=True)
    index = tantivy.Index(schema, path=str(directory))
    if fresh:
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for r in rows():
            text = " ".join(str(r.get(f) or "").replace("_", " ") for f in TEXT_FIELDS)
            writer.add_document(tantivy.Document(key=r["source_id"], text=text))
        writer.commit()
        writer.wait_merging_threads()
    index.reload()
    searcher = index.searcher()

    def rank(words: list[str]) -> list[str]:
        terms = sorted({p for w in words for p in w.split("-") if p})
        if not terms:
            return []
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "text", t)) for t in terms]
        )
        hits = searcher.search(query, 10).hits
        return [searcher.doc(address)["key"][0] for _score, address in hits]

    return rank


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--generated", type=int, default=200_000)
    parser.add_argument("--queries", default=str(ROOT / "bench" / "data" / "queries.jsonl"))
    parser.add_argument(
        "--records", default=str(ROOT / "labinov" / "library" / "data" / "innovations.jsonl")
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgres://postgres@127.0.0.1:5432/labinov_scale_relevance"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="search the database of an earlier run (PostgreSQL: when it holds the corpus)",
    )
    parser.add_argument(
        "--seed-step", type=float, default=0.0, help="topk.SEED_STEP (default: the engine's)"
    )
    parser.add_argument(
        "--unranked-cap",
        action="store_true",
        help="past the cap, keep the first matches found instead of the database's best",
    )
    parser.add_argument(
        "--max-candidates",
        default="",
        help="comma-separated LABINOV_SEARCH_MAX_CANDIDATES values to measure in turn "
        "(default: the setting's)",
    )
    parser.add_argument(
        "--verify", action="store_true", help="compare with the engine's exhaustive ranking"
    )
    parser.add_argument(
        "--index",
        choices=["on", "off", "both"],
        default="on",
        help="Labinov with its embedded search index (on: candidates proposed by it), "
        "with the database's full-text index only (off), or both in turn",
    )
    parser.add_argument(
        "--pools",
        default="",
        help="comma-separated topk.INDEX_POOL values to measure in turn with the index "
        "(default: the engine's)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="timed rounds of all queries (0: time the relevance pass itself)",
    )
    args = parser.parse_args()

    bench_dir = ROOT / "var" / "bench"
    records = [
        json.loads(line)
        for line in Path(args.records).read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    corpus = bench_dir / f"salad-{args.generated}-{args.seed}.jsonl"
    if not corpus.exists():
        started = time.perf_counter()
        build_corpus(records, args.generated, corpus, args.seed)
        print(f"generated {corpus.name} in {time.perf_counter() - started:.1f} s")

    if args.database == "sqlite":
        db = bench_dir / f"scale-{args.generated}-{args.seed}.sqlite3"
        reuse = args.reuse and db.exists()
        for suffix in ("", "-wal", "-shm") if not reuse else ():
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        url = f"sqlite:///{db}"
    else:
        import psycopg

        reuse = False
        url = args.postgres_url
        name = url.rsplit("/", 1)[1]
        if args.reuse:
            try:
                with psycopg.connect(url) as conn:
                    held = conn.execute("SELECT count(*) FROM library_libraryentry").fetchone()
                    reuse = held[0] == args.generated + len(records)
            except psycopg.Error:
                reuse = False
        if not reuse:
            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
                conn.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=url,
        LABINOV_DATA_DIR=str(bench_dir),
        SECRET_KEY="scale-relevance-bench-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="labinov.settings",
        LABINOV_LOG_LEVEL="WARNING",
        LABINOV_EMBEDDINGS="off",
        # One search index per database (they hold different entries under the same ids).
        LABINOV_SEARCH_INDEX_DIR=str(
            bench_dir / f"search-index-{args.database}-{args.generated}-{args.seed}"
        ),
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from labinov.library.models import LibraryEntry, LibraryStats
    from labinov.library.search import analysis, engine, ranking, topk

    call_command("migrate", verbosity=0)
    if not reuse:
        started = time.perf_counter()
        call_command("import_library", str(corpus), stdout=open(os.devnull, "w"))  # noqa: SIM115
        seconds = time.perf_counter() - started
        print(f"{args.database}: imported {LibraryEntry.objects.count()} rows in {seconds:.0f} s")
    if connection.vendor == "postgresql" and not reuse:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE library_libraryentry")
    total = LibraryEntry.objects.count()

    started = time.perf_counter()
    directory = bench_dir / f"tantivy-salad-{args.generated}-{args.seed}"
    bm25 = tantivy_bm25(jsonl_rows(corpus), directory)
    print(f"tantivy index ready in {time.perf_counter() - started:.0f} s")

    lines = Path(args.queries).read_text(encoding="utf-8").splitlines()
    queries = [json.loads(line) for line in lines if line.strip()]

    def exhaustive(q):
        """The engine's own scoring of every record matching any concept."""
        stats = LibraryStats.current()
        query, vocab = engine.parse_query(q, stats)
        lengths = tuple(
            x / max(stats.entries, 1)
            for x in (stats.name_length, stats.main_length, stats.rest_length)
        )
        groups = topk._bounded_groups(query, vocab)
        if not groups:
            return []
        expression = topk._render(("or", list(range(len(groups)))), groups)
        rows = topk._fetch_terms(expression, {})
        scored = []
        for start in range(0, len(rows), 20_000):
            chunk = rows[start : start + 20_000]
            values = ranking.score_many(query, [fields for _pk, *fields in chunk], lengths)
            scored += [(-v, row[0]) for row, v in zip(chunk, values, strict=True) if v > 0]
        top = [pk for _v, pk in sorted(scored)[:10]]
        keys = dict(LibraryEntry.objects.filter(pk__in=top).values_list("id", "source_id"))
        return [keys[pk] for pk in top]

    from django.conf import settings

    caps = [int(c) for c in args.max_candidates.split(",") if c.strip()] or [
        settings.LIBRARY_SEARCH_MAX_CANDIDATES
    ]
    print(
        f"\n{total} records ({len(records)} real), {len(queries)} queries "
        f"({Path(args.queries).name}), {args.database}\n"
    )
    print(f"{'system':<52} {'nDCG@10':>8} {'Recall@10':>10} {'exact':>6}")

    def evaluate(name, run, exact=None):
        recalls, ndcgs, ranked_all = [], [], []
        for q in queries:
            ranked = run(q["query"])
            ranked_all.append(ranked)
            recall, ndcg = metrics(ranked, set(q["relevant"]), set(q.get("partial", [])))
            recalls.append(recall)
            ndcgs.append(ndcg)
        proven = f"{sum(exact)}/{len(exact)}" if exact is not None else ""
        print(
            f"{name:<52} {statistics.mean(ndcgs):>8.3f} {statistics.mean(recalls):>10.3f} "
            f"{proven:>6}"
        )
        return ranked_all

    def timed(run, rounds=None):
        timings = []
        for _ in range(args.rounds if rounds is None else rounds):
            for q in queries:
                started = time.perf_counter()
                run(q["query"])
                timings.append(1000 * (time.perf_counter() - started))
        return timings

    def load() -> str:
        return "load average " + " ".join(f"{x:.1f}" for x in os.getloadavg())

    runs = {}
    evaluate("plain BM25, exhaustive (tantivy)", lambda q: bm25(analysis.words(q)))
    reference = None
    if args.verify:
        # Scoring every record takes seconds a query: kept for the corpus and query set.
        cache = bench_dir / f"exhaustive-{corpus.stem}-{Path(args.queries).stem}.json"
        known = json.loads(cache.read_text()) if cache.exists() else {}

        def cached(q):
            if q not in known:
                known[q] = exhaustive(q)
            return known[q]

        reference = evaluate("Labinov's scoring, exhaustive (reference)", cached)
        cache.write_text(json.dumps(known, ensure_ascii=False))
    topk.CAPPED_RANKED = not args.unranked_cap
    topk.SEED_STEP = args.seed_step or topk.SEED_STEP
    print(f"topk.SEED_STEP {topk.SEED_STEP}")
    kind = "first found" if args.unranked_cap else "database's best"
    engine.search("warga", limit=10, semantic=False)  # load the spelling index once
    from labinov.library.search import textindex

    if args.index != "off":
        started = time.perf_counter()
        textindex.sync()  # the import wrote it; a reused database may need it written
        print(f"search index ready in {time.perf_counter() - started:.1f} s")
    modes = {"on": ["on"], "off": ["off"], "both": ["on", "off"]}[args.index]
    pools = [int(p) for p in args.pools.split(",") if p.strip()] or [topk.INDEX_POOL]
    variants = [(mode, knob) for mode in modes for knob in (caps if mode == "off" else pools)]
    for mode, knob in variants:
        settings.LIBRARY_SEARCH_INDEX = mode
        if mode == "on":
            topk.INDEX_POOL = knob
            assert textindex.usable(), "the search index is not current"
        else:
            settings.LIBRARY_SEARCH_MAX_CANDIDATES = cap = knob
        proven, pass_timings = [], []

        def labinov(q, proven=proven, pass_timings=pass_timings):
            started = time.perf_counter()
            found = engine.search(q, limit=10, semantic=False)
            pass_timings.append(1000 * (time.perf_counter() - started))
            proven.append(found.exact)
            return [h.entry.source_id for h in found.hits]

        before = load()
        name = (
            f"Labinov, search index (pool {topk.INDEX_POOL})"
            if mode == "on"
            else f"Labinov, database only, max candidates {cap} ({kind})"
        )
        answers = evaluate(name, labinov, proven)
        if reference is not None:
            same = sum(a == b for a, b in zip(answers, reference, strict=True))
            overlap = statistics.mean(
                len(set(a) & set(b)) / len(b) if b else 1.0
                for a, b in zip(answers, reference, strict=True)
            )
            print(
                f"  top 10 equals the exhaustive ranking on {same} of {len(queries)}; "
                f"share of the exhaustive top 10 found: {overlap:.3f}"
            )
        if args.rounds:
            before = load()
            timings = timed(lambda q: engine.search(q, limit=10, semantic=False))
        else:
            timings = pass_timings
        runs[name] = (timings, before, load())
    before = load()
    tantivy_timings = timed(lambda q: bm25(analysis.words(q)), max(args.rounds, 1))
    print()
    for name, (timings, before_cap, after_cap) in runs.items():
        print(
            f"{name}, in-process, {args.database}, {total} records: "
            f"p50 {statistics.median(timings):.0f} ms, p95 "
            f"{percentile(timings, 95):.0f} ms, max {max(timings):.0f} ms "
            f"({len(timings)} searches; {before_cap} before, {after_cap} after)"
        )
    print(
        f"tantivy BM25 top 10, same queries: p50 {statistics.median(tantivy_timings):.1f} ms, "
        f"p95 {percentile(tantivy_timings, 95):.1f} ms ({before}, {load()} after)"
    )


if __name__ == "__main__":
    main()
