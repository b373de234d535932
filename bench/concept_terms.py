"""Experiment, not wired in: concept terms written into the embedded index, so that a
concept with lexicon variants asks one posting list instead of a disjunction-max of its
alternatives.

    .venv/bin/python bench/concept_terms.py \\
        --database-url sqlite:///var/bench/bench-copies-1000000.sqlite3 \\
        --index-dir var/bench/search-index-bench-copies-1000000.sqlite3

Run it on a database that ``bench/speed.py`` imported and whose embedded index is current
(``--reuse`` runs leave both in var/bench/). For a long query of the "copies" shape, most
of tantivy's time goes to the alternatives' postings (ten for "capil", six for "KTP", some
of them common words), and a disjunction-max keeps tantivy from skipping blocks
(block-max WAND needs a union of plain terms).

The experiment writes a second tantivy index (``--out``, built once, one to two minutes for
1,000,000 "copies" records): each record's text as the embedded index holds it, and
beside each field the term ``c_<t>`` for every query term ``t`` that has lexicon variants
and that one of the field's terms or phrases satisfies (the term itself, one of its
single-term variants, or one of its phrase variants in sequence). A query then asks, per
concept with variants, ``c_<t>`` boosted to the concept's idf (``ranking.parse``: its
rarest held alternative's) times ``ranking.VARIANT_WEIGHT``, and the term as typed for the
rest of its weight (``UNWEIGHTED=1``: ``c_<t>`` alone at the concept's idf); a concept
without variants asks its term. The whole query is a union of plain terms.

Reported, for the 464 queries of ``bench/speed.py`` (1 to 20 words), in the same run:
tantivy's p50/p95 for the embedded index's query as the engine asks it
(``textindex.candidates``, 200 proposals) and for the concept terms' query (200
proposals); and, of the top 10 that the engine's scoring (``ranking.score_many``) gives
from the engine's proposals, the records and the sum of scores that the top 10 from the
concept terms' proposals keeps (records with the same texts score the same, so the
records kept undercount), with the spread of the latter over the queries. The result
(4 December) is in docs/benchmarks.md.
"""

import argparse
import itertools
import json
import math
import os
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values, p):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--index-dir", required=True, help="the embedded index's folder")
    parser.add_argument("--out", default=str(ROOT / "var" / "bench" / "concept-terms"))
    args = parser.parse_args()
    os.environ.update(
        DATABASE_URL=args.database_url,
        LABINOV_DATA_DIR=str(ROOT / "var" / "bench"),
        LABINOV_SEARCH_INDEX_DIR=args.index_dir,
        SECRET_KEY="concept-terms-bench-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="labinov.settings",
        LABINOV_LOG_LEVEL="WARNING",
    )
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    import tantivy
    from django.db import connection

    from labinov.library.models import LibraryStats
    from labinov.library.search import analysis, engine, ranking, textindex, topk

    lexicon = analysis.lexicon()
    typed_apart = not os.environ.get("UNWEIGHTED")
    serves: dict[str, set[str]] = {}  # a term -> the query terms whose concept it satisfies
    phrase_serves: dict[tuple[str, ...], set[str]] = {}
    for term, variants in lexicon.items():
        serves.setdefault(term, set()).add(term)
        for variant in variants:
            if len(variant) == 1:
                serves.setdefault(variant[0], set()).add(term)
            else:
                phrase_serves.setdefault(variant, set()).add(term)
    starts: dict[str, list[tuple[str, ...]]] = {}
    for phrase in phrase_serves:
        starts.setdefault(phrase[0], []).append(phrase)

    def concept_terms(text: str) -> str:
        sequence = text.split()
        out = []
        for i, term in enumerate(sequence):
            out += [f"c_{t}" for t in serves.get(term, ())]
            for phrase in starts.get(term, ()):
                if tuple(sequence[i : i + len(phrase)]) == phrase:
                    out += [f"c_{t}" for t in phrase_serves[phrase]]
        return " ".join(out)

    out = Path(args.out)

    def open_index(path: Path):
        index = tantivy.Index(textindex._schema(), path=str(path))
        index.register_tokenizer(
            "labinov_terms", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        )
        return index

    if not (out / "meta.json").exists():
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        writer = open_index(out).writer(heap_size=256_000_000, num_threads=1)
        started, count = time.perf_counter(), 0
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, index_name, index_main, index_rest FROM library_libraryentry"
            )
            while rows := cursor.fetchmany(5_000):
                for pk, name, main, rest in rows:
                    fields = [(name, 6), (main, 2), (rest, 1)]  # textindex.REPEAT
                    text = " ".join(
                        piece
                        for value, times in fields
                        for piece in [value, concept_terms(value)] * times
                    )
                    writer.add_document(tantivy.Document(pk=pk, terms=text))
                    count += 1
        writer.commit()
        writer.wait_merging_threads()
        print(
            f"concept-term index of {count} records built in {time.perf_counter() - started:.0f} s"
        )
    index = open_index(out)
    index.reload()
    searcher, schema = index.searcher(), index.schema

    full = []
    for name in ("queries.jsonl", "queries_tuned.jsonl", "queries_untouched.jsonl"):
        lines = (ROOT / "bench" / "data" / name).read_text(encoding="utf-8").splitlines()
        full += [json.loads(line)["query"] for line in lines if line.strip()]
    queries = [" ".join(q.split()[:n]) for n in (1, 2, 3) for q in full] + full
    queries += [" ".join(f"{q} {after}".split()[:20]) for q, after in itertools.pairwise(full)]
    stats = LibraryStats.current()
    total = stats.entries
    lengths = (stats.name_length / total, stats.main_length / total, stats.rest_length / total)
    parsed = [engine.parse_query(q, stats)[0] for q in queries]
    Q, Occur = tantivy.Query, tantivy.Occur

    def concept_query(query):
        clauses = []
        for concept in query.concepts:
            first = next(iter(concept.alternatives))
            rest = list(concept.alternatives)
            if len(first) == 1 and first[0] in lexicon:
                term = f"c_{first[0]}"
                df = searcher.doc_freq("terms", term)
                idf = math.log(1 + (searcher.num_docs - df + 0.5) / (df + 0.5)) if df else 0
                # Weighted as the scoring weighs them: the concept's idf; a variant counts
                # VARIANT_WEIGHT, the term as typed 1 (the concept term at that weight, and
                # the term itself for the rest).
                boost = concept.idf / idf if idf else 1.0
                typed = searcher.doc_freq("terms", first[0])
                typed_idf = math.log(1 + (searcher.num_docs - typed + 0.5) / (typed + 0.5))
                weighted = [(term, boost * ranking.VARIANT_WEIGHT)]
                if typed and typed_apart:
                    weighted.append(
                        (first[0], (1 - ranking.VARIANT_WEIGHT) * concept.idf / typed_idf)
                    )
                else:
                    weighted = [(term, boost)]
                clauses += [
                    (Occur.Should, Q.boost_query(Q.term_query(schema, "terms", t), w))
                    for t, w in weighted
                ]
                rest = [
                    a
                    for a in rest
                    if first[0]
                    not in (serves.get(a[0], ()) if len(a) == 1 else phrase_serves.get(a, ()))
                ]
            for alternative in rest:  # a spelling correction, a term without variants
                if len(alternative) == 1:
                    clauses.append((Occur.Should, Q.term_query(schema, "terms", alternative[0])))
        return Q.boolean_query(clauses)

    def concept_proposals(query) -> list[int]:
        found = searcher.search(concept_query(query), 200, count=False)
        return [searcher.doc(address)["pk"][0] for _score, address in found.hits]

    def top10(query, ids) -> list[tuple[float, int]]:
        rows = topk._rows_by_id(ids)
        values = ranking.score_many(query, [fields for _pk, *fields in rows], lengths)
        scored = sorted((-v, row[0]) for v, row in zip(values, rows, strict=True) if v > 0)
        return [(-v, pk) for v, pk in scored[:10]]

    timings = {"engine": [], "concept": []}
    tops = {"engine": [], "concept": []}
    propose = {
        "engine": lambda query: textindex.candidates(query, {}, 200),
        "concept": concept_proposals,
    }
    for round_ in range(2):  # the first round warms up
        for query in parsed:
            for label, run in propose.items():
                started = time.perf_counter()
                ids = run(query)
                if round_:
                    timings[label].append((time.perf_counter() - started) * 1000)
                    tops[label].append(top10(query, ids))
    for label, values in timings.items():
        print(
            f"{label:8} tantivy p50 {statistics.median(values):6.1f} ms  "
            f"p95 {percentile(values, 95):6.1f} ms  ({len(values)} queries)"
        )
    # Records with the same texts (the copies shape repeats whole texts) score the same:
    # which of them make the top 10 is then a matter of ids. So besides the records kept,
    # the scores kept: the sum of the top 10's scores against the engine proposals'.
    kept, scores_kept = [], []
    for mine, theirs in zip(tops["concept"], tops["engine"], strict=True):
        if theirs:
            kept.append(len({pk for _v, pk in mine} & {pk for _v, pk in theirs}) / len(theirs))
            scores_kept.append(sum(v for v, _pk in mine) / sum(v for v, _pk in theirs))
    print(
        f"top 10 of the engine's proposals kept by the concept terms' proposals: records "
        f"{statistics.mean(kept):.3f}, score {statistics.mean(scores_kept):.3f} "
        f"(load average {os.getloadavg()[0]:.2f})"
    )
    print(
        f"queries whose top 10 scores at least 99.9 % as much: "
        f"{sum(r >= 0.999 for r in scores_kept) / len(scores_kept):.3f}; "
        f"lowest {min(scores_kept):.3f}, 5th percentile {percentile(scores_kept, 5):.3f}, "
        f"highest {max(scores_kept):.3f}"
    )


if __name__ == "__main__":
    main()
