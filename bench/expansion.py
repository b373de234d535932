"""Query expansion learned from the knowledge base itself, measured on the judged queries.

    .venv/bin/python bench/expansion.py                  # the grid, dev and tuned sets
    .venv/bin/python bench/expansion.py --final \
        --only "prf add docs=5 terms=20 beta=0.1" \
        --only "pmi top=1 gamma=0.2 min_pairs=3 min_pmi=2.0"   # + the untouched set

Two ways of bridging the citizen's and the official's words with nothing but the records:

- **Pseudo-relevance feedback (RM3)**: the first pass's best ``docs`` records give their
  most distinctive terms (RM1 weight: the sum over those records of the record's share of
  the first-pass score times tf / length, times idf; a term must occur in at least two
  of them, and the query's own terms, numbers and terms under 3 letters are left out).
  The ``terms`` best, weighted by their RM1 weight relative to the first, are scored like
  query terms (BM25F, their idf) and added to the first-pass score at ``beta`` ("add"),
  outside the coverage factor; or ("mul") they multiply it by at most ``1 + beta``, so a
  record the query does not match stays at 0. Only the first pass's best 100 records are
  scored again ("add+new": every record, to see whether records matching only the
  expansion matter), so the cost is bounded at any size.
- **Term co-occurrence (PMI)**: for the stem of each query word, the ``top`` terms that
  occur in the same records (name, problem, solution) far more often than chance
  (pointwise mutual information at least ``min_pmi``, in at least ``min_pairs`` records
  together; ranked by PMI times records together), added to the word's concept as
  alternatives of weight ``gamma`` (the lexicon's variants have 0.8). At scale the pairs
  would have to be counted per query on a bounded sample of the term's postings, or kept
  per term as a bounded list.

Everything else is the real search: the records are imported into a throwaway SQLite
database by the import action, the query is parsed by ``engine.parse_query``, records are
scored by ``ranking.score_many`` (288 records: every record is scored, as the engine does
for a small knowledge base, ties by id) and the 100 best re-ranked by
``embeddings.rerank``. The line "none" reproduces bench/relevance.py's Labinov lines.

By default only the dev and tuned sets are measured (the only ones settings may be chosen
on); the last lines name the settings with the best worst change of nDCG@10 over dev and
tuned, lexical and re-ranked. ``--final`` also measures the untouched set: run it only
for the settings so chosen. "better/worse" counts the queries whose nDCG@10 (re-ranked)
went up or down against "none", per set.
"""

import argparse
import json
import math
import os
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.relevance import metrics  # noqa: E402

DEV_SETS = [
    ROOT / "bench" / "data" / "queries.jsonl",
    ROOT / "bench" / "data" / "queries_tuned.jsonl",
]
UNTOUCHED = ROOT / "bench" / "data" / "queries_untouched.jsonl"


def setup():
    tmp = Path(tempfile.mkdtemp(prefix="labinov-expansion-"))
    os.environ.update(
        DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
        LABINOV_DATA_DIR=str(tmp),
        SECRET_KEY="expansion-bench-" + "x" * 40,
        DJANGO_SETTINGS_MODULE="labinov.settings",
    )
    import django

    django.setup()
    from django.core.management import call_command

    from labinov.core.system import SystemActor
    from labinov.library import actions
    from labinov.library.exchange import read_file
    from labinov.library.search import embeddings

    call_command("migrate", verbosity=0)
    records = ROOT / "labinov" / "library" / "data" / "innovations.jsonl"
    with open(records, "rb") as stream:
        parsed = read_file(stream, records.name)
    actions.import_entries(acting_user=SystemActor("bench"), rows=[r for _n, r in parsed.rows])
    if embeddings.enabled():
        embeddings.embed_missing()


class Bench:
    def __init__(self):
        from labinov.library.models import LibraryEntry, LibraryStats

        self.stats = LibraryStats.current()
        n = max(self.stats.entries, 1)
        self.avg = (
            self.stats.name_length / n,
            self.stats.main_length / n,
            self.stats.rest_length / n,
        )
        self.rows = {
            pk: (sid, (name, main, rest))
            for pk, sid, name, main, rest in LibraryEntry.objects.values_list(
                "id", "source_id", "index_name", "index_main", "index_rest"
            )
        }
        self.counts = {
            pk: tuple(Counter(f.split()) for f in fields) for pk, (_s, fields) in self.rows.items()
        }
        self.lengths = {
            pk: tuple(sum(c.values()) for c in counts) for pk, counts in self.counts.items()
        }
        # Term -> records (name + problem/solution) for co-occurrence.
        self.postings: dict[str, set[int]] = {}
        for pk, counts in self.counts.items():
            for term in set(counts[0]) | set(counts[1]):
                self.postings.setdefault(term, set()).add(pk)

    # -- scoring ------------------------------------------------------------------------
    def first_pass(self, query):
        from labinov.library.search import ranking

        pks = list(self.rows)
        values = ranking.score_many(query, [self.rows[pk][1] for pk in pks], self.avg)
        scored = [(value, pk) for pk, value in zip(pks, values, strict=True) if value > 0]
        scored.sort(key=lambda kv: (-kv[0], kv[1]))
        return scored

    def term_score(self, pk, term, vocab) -> float:
        """BM25F of one term in one record (before any weight)."""
        from labinov.library.search import ranking

        tf = 0.0
        for w, c, n, avg, b in zip(
            ranking.FIELD_WEIGHTS,
            self.counts[pk],
            self.lengths[pk],
            self.avg,
            ranking.FIELD_B,
            strict=True,
        ):
            hits = c.get(term, 0)
            if hits:
                tf += w * hits / (1 - b + b * (n / avg if avg else 1.0))
        return vocab.idf(term) * tf * (ranking.K1 + 1) / (tf + ranking.K1) if tf else 0.0

    # -- PRF -------------------------------------------------------------------------------
    def feedback_terms(self, query, vocab, scored, docs: int, terms: int, min_docs: int):
        top = scored[:docs]
        if not top:
            return {}
        total = sum(s for s, _pk in top)
        have = query.terms()
        weights: Counter = Counter()
        seen_in: Counter = Counter()
        for value, pk in top:
            counts = self.counts[pk][0] + self.counts[pk][1]
            length = sum(counts.values()) or 1
            for term, tf in counts.items():
                if term in have or term.isdigit() or len(term) < 3:
                    continue
                weights[term] += (value / total) * tf / length
                seen_in[term] += 1
        for term in list(weights):
            if seen_in[term] < min_docs:
                del weights[term]
            else:
                weights[term] *= vocab.idf(term)
        best = weights.most_common(terms)
        if not best:
            return {}
        top_w = best[0][1]
        return {t: w / top_w for t, w in best}

    def prf(self, query, vocab, scored, *, docs, terms, beta, mode, min_docs=2, depth=100):
        expansion = self.feedback_terms(query, vocab, scored, docs, terms, min_docs)
        if not expansion:
            return scored
        # The most the expansion can add to a record: to normalise the multiplicative form.
        from labinov.library.search import ranking

        ceiling = sum(vocab.idf(t) * w * (ranking.K1 + 1) for t, w in expansion.items())
        out = []
        if depth is None:  # every record, also those matching only the expansion
            base = {pk: value for value, pk in scored}
            scored = [(base.get(pk, 0.0), pk) for pk in self.rows]
            depth = len(scored)
        for value, pk in scored[:depth]:
            extra = sum(w * self.term_score(pk, t, vocab) for t, w in expansion.items())
            if mode == "add":
                if value + beta * extra > 0:
                    out.append((value + beta * extra, pk))
            else:  # "mul": a bounded boost, never lifts a record the query does not match
                out.append((value * (1 + beta * extra / ceiling), pk))
        out.sort(key=lambda kv: (-kv[0], kv[1]))
        return out + scored[depth:]

    # -- co-occurrence ---------------------------------------------------------------------
    def associates(self, term, vocab, *, top, min_pairs, min_pmi):
        docs = self.postings.get(term)
        if not docs:
            return []
        n = len(self.rows)
        pairs: Counter = Counter()
        for pk in docs:
            pairs.update(set(self.counts[pk][0]) | set(self.counts[pk][1]))
        del pairs[term]
        out = []
        for other, both in pairs.items():
            if both < min_pairs or other.isdigit() or len(other) < 3:
                continue
            pmi = math.log(both * n / (len(docs) * len(self.postings[other])))
            if pmi >= min_pmi:
                out.append((pmi * both, other))  # favour pairs seen often, not flukes
        out.sort(reverse=True)
        return [t for _s, t in out[:top]]

    def cooc_query(self, query, vocab, *, top, gamma, min_pairs, min_pmi):
        import copy

        expanded = copy.deepcopy(query)
        have = query.terms()
        for concept in expanded.concepts:
            own = [alt[0] for alt in concept.alternatives if len(alt) == 1]
            for term in own[:1]:
                for other in self.associates(
                    term, vocab, top=top, min_pairs=min_pairs, min_pmi=min_pmi
                ):
                    if other not in have:
                        concept.add((other,), gamma)
        return expanded


def evaluate(bench, sets, method, semantic: bool):
    from labinov.library.search import embeddings, engine, topk

    results = {}
    for path in sets:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
        queries = [json.loads(line) for line in lines if line.strip()]
        lex, sem = [], []
        for q in queries:
            query, vocab = engine.parse_query(q["query"], bench.stats)
            ranked = method(query, vocab)
            top = ranked[: topk.CANDIDATES]
            ids = [bench.rows[pk][0] for _s, pk in top]
            lex.append(metrics(ids, set(q["relevant"]), set(q.get("partial", []))))
            if semantic:
                fused = embeddings.rerank(q["query"], [(s, pk, {}) for s, pk in top])
                ids = [bench.rows[pk][0] for _s, pk, _f in fused]
                sem.append(metrics(ids, set(q["relevant"]), set(q.get("partial", []))))
        results[Path(path).stem] = (mean(lex), mean(sem) if sem else None, sem or lex)
    return results


def mean(pairs):
    return (sum(n for _r, n in pairs) / len(pairs), sum(r for r, _n in pairs) / len(pairs))


def settings_grid(bench):
    yield "none", lambda q, v: bench.first_pass(q)
    for mode, betas in (("add", (0.1, 0.2, 0.3, 0.5)), ("mul", (0.1, 0.2, 0.3, 0.5))):
        for docs in (3, 5, 10):
            for terms in (5, 10, 20):
                for beta in betas:
                    name = f"prf {mode} docs={docs} terms={terms} beta={beta}"
                    yield (
                        name,
                        (
                            lambda q, v, d=docs, t=terms, b=beta, m=mode: bench.prf(
                                q, v, bench.first_pass(q), docs=d, terms=t, beta=b, mode=m
                            )
                        ),
                    )
    for docs in (5, 10):
        for terms in (10, 20):
            for beta in (0.1, 0.2, 0.3):
                name = f"prf add+new docs={docs} terms={terms} beta={beta}"
                yield (
                    name,
                    (
                        lambda q, v, d=docs, t=terms, b=beta: bench.prf(
                            q,
                            v,
                            bench.first_pass(q),
                            docs=d,
                            terms=t,
                            beta=b,
                            mode="add",
                            depth=None,
                        )
                    ),
                )
    for top in (1, 3, 5):
        for gamma in (0.2, 0.4, 0.6):
            for min_pairs in (2, 3):
                for min_pmi in (1.0, 2.0):
                    name = f"pmi top={top} gamma={gamma} min_pairs={min_pairs} min_pmi={min_pmi}"
                    yield (
                        name,
                        (
                            lambda q, v, t=top, g=gamma, mp=min_pairs, mi=min_pmi: bench.first_pass(
                                bench.cooc_query(q, v, top=t, gamma=g, min_pairs=mp, min_pmi=mi)
                            )
                        ),
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        action="append",
        help="run only the settings whose name contains this (repeatable)",
    )
    parser.add_argument("--final", action="store_true", help="also measure the untouched set")
    parser.add_argument("--no-semantic", action="store_true", help="skip embedding re-ranking")
    args = parser.parse_args()
    setup()
    from labinov.library.search import embeddings

    bench = Bench()
    sets = DEV_SETS + ([UNTOUCHED] if args.final else [])
    semantic = embeddings.enabled() and not args.no_semantic
    header = "".join(f" | {Path(p).stem} lex | {Path(p).stem} +emb" for p in sets)
    print(f"setting{header} | queries better/worse than none")
    baseline, chosen = None, []
    for name, method in settings_grid(bench):
        if args.only and not any(o in name for o in args.only) and name != "none":
            continue
        res = evaluate(bench, sets, method, semantic)
        baseline = baseline or res
        cells, moved = "", []
        for stem in (Path(p).stem for p in sets):
            lex, sem, per_query = res[stem]
            cells += f" | {lex[0]:.3f}/{lex[1]:.3f}"
            cells += f" | {sem[0]:.3f}/{sem[1]:.3f}" if sem else " | -"
            pairs = zip(per_query, baseline[stem][2], strict=True)
            deltas = [(r[1] - b[1]) for r, b in pairs]
            moved.append(f"{sum(d > 1e-9 for d in deltas)}/{sum(d < -1e-9 for d in deltas)}")
        print(f"{name}{cells} | {' '.join(moved)}", flush=True)
        # The selection rule: the best worst change of nDCG@10 over dev and tuned, lexical
        # and re-ranked (never the untouched set).
        worst = min(
            res[stem][i][0] - baseline[stem][i][0]
            for stem in (Path(p).stem for p in DEV_SETS)
            for i in (0, 1)
            if res[stem][i]
        )
        if name != "none":
            chosen.append((worst, name))
    chosen.sort(reverse=True)
    print("\nBest worst change of nDCG@10 over dev and tuned (lexical and re-ranked):")
    for worst, name in chosen[:5]:
        print(f"  {worst:+.3f}  {name}")


if __name__ == "__main__":
    main()
