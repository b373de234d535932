"""The best records for a query: the exact top k of ``ranking.score``, found with the
database's full-text index (FTS5 on SQLite, a tsvector on PostgreSQL), or, for a large
knowledge base with the embedded index, that index's proposals scored here.

The database's answer is rank-safe at any size (``top_matches``): a bounded first fetch
(``candidate_ids``: rare concepts ranked by the database within a postings budget, the
first matches of the common ones) gives a threshold, and the database then returns every
record that could still beat it, judged by per-concept upper bounds (MaxScore); those are
scored here. See docs/search.md.
"""

import heapq
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection

from labinov.library.filtersets import FACET_FIELDS, FILTER_FIELDS
from labinov.library.models import LibraryEntry
from labinov.library.search import ranking, textindex

#: Records a search scores beyond its page (for the facets, the count and the semantic
#: re-ranking), and the most that the first fetch (``candidate_ids``) returns.
CANDIDATES = 100
#: Matches the database may score per query: FTS5's bm25 costs about 6 µs a match;
#: PostgreSQL's ts_rank reads each match's tsvector from the table, so it gets fewer.
POSTINGS_BUDGET = {"sqlite": 3_000, "postgresql": 1_000}
SMALL_CORPUS = 2_000
_FTS_SAFE = re.compile(r"^[0-9a-z]+$")

#: Entries the embedded index proposes for scoring (``textindex``): the share of the
#: exact top 10 it keeps is measured in bench/scale_relevance.py (``--pools``).
INDEX_POOL = 200
#: Rows each θ-raising fetch may return, and how far its target drops each time.
SEED_ROWS = 500
SEED_STEP = 0.6
#: Past the cap, fetch the database's best matches (True; it then matches and ranks every
#: record, which costs seconds on long queries of common words at 200,000 records) or
#: keep the first ``max_candidates()`` found (False; bounded, arbitrary). See benchmarks.md.
CAPPED_RANKED = True


def _groups(query: ranking.Query, vocab: ranking.Vocabulary) -> list[tuple[int, list]]:
    """(postings, alternatives) of each concept that the index holds, rarest first."""
    out = []
    for concept in query.concepts:
        alts = [a for a in concept.alternatives if all(vocab.df(t) for t in a)]
        if alts:
            out.append((sum(min(vocab.df(t) for t in a) for a in alts), alts))
    return sorted(out, key=lambda g: g[0])


def _fts_alternative(alt: tuple[str, ...]) -> str:
    parts = [t for t in alt if _FTS_SAFE.match(t)]
    return "(" + " AND ".join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "")


def _tsquery_alternative(alt: tuple[str, ...]) -> str:
    parts = [t for t in alt if _FTS_SAFE.match(t)]
    return "(" + " & ".join(parts) + ")" if len(parts) > 1 else (parts[0] if parts else "")


def _filter_sql(filters: dict) -> tuple[str, list]:
    clauses, params = [], []
    for name in FILTER_FIELDS:
        value = filters.get(name)
        if value in (None, ""):
            continue
        clauses.append(f"e.{connection.ops.quote_name(name)} = %s")
        params.append(value)
    return "".join(f" AND {c}" for c in clauses), params


def _expression(groups: list[list], *, conjunctive: bool) -> str:
    if connection.vendor == "postgresql":
        inner, outer, render = " | ", (" & " if conjunctive else " | "), _tsquery_alternative
    else:
        inner, outer, render = " OR ", (" AND " if conjunctive else " OR "), _fts_alternative
    return outer.join("(" + inner.join(filter(None, map(render, alts))) + ")" for alts in groups)


def _fetch(expression: str, filters: dict, *, ranked: bool) -> list[int]:
    """Ids matching the full-text expression: the index's best ``CANDIDATES`` when
    ``ranked`` (scoring every match: only for small match sets), else the first ones."""
    where, params = _filter_sql(filters)
    table = LibraryEntry._meta.db_table
    if connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in ranking.FIELD_WEIGHTS)
        join = f" JOIN {table} e ON e.id = f.rowid" if where else ""
        order = f" ORDER BY bm25(library_fts, {weights})" if ranked else ""
        sql = (
            f"SELECT f.rowid FROM library_fts f{join} WHERE library_fts MATCH %s{where}"
            f"{order} LIMIT {CANDIDATES}"
        )
    elif connection.vendor == "postgresql":
        order = (
            " ORDER BY ts_rank('{0, 0.17, 0.33, 1.0}'::float4[], e.search_vector, q) DESC"
            if ranked
            else ""
        )
        sql = (
            f"SELECT e.id FROM {table} e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q{where}{order} LIMIT {CANDIDATES}"
        )
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params])
        return [row[0] for row in cursor.fetchall()]


def candidate_ids(query: ranking.Query, vocab: ranking.Vocabulary, filters: dict) -> list[int]:
    """Plan and run the candidate fetch; never scores more than about ``POSTINGS_BUDGET``
    matches in the database.

    1. The rare concepts (rarest first, while their postings fit the budget) are ORed
       and the index ranks their matches.
    2. The common concepts left over are ANDed, dropping the most common until something
       matches; the first matches found are taken (they are ranked here with the rest).
    """
    groups = _groups(query, vocab)
    budget = POSTINGS_BUDGET.get(connection.vendor, 1_000)
    if vocab.total <= SMALL_CORPUS:  # a small knowledge base: every match is ranked
        budget = 10**9
    rare, spent = [], 0
    for postings, alts in groups:
        if spent + postings > budget:
            break
        rare.append(alts)
        spent += postings
    common = [alts for _p, alts in groups[len(rare) :]]
    ids: list[int] = []
    if rare:
        ids = _fetch(_expression(rare, conjunctive=False), filters, ranked=True)
    while common:
        # Unranked: the first matches of the conjunction, ranked here with the rest.
        more = _fetch(_expression(common, conjunctive=True), filters, ranked=False)
        if more or len(common) == 1:
            seen = set(ids)
            ids += [i for i in more if i not in seen]
            break
        common = common[:-1]
    return ids


@dataclass
class _Group:
    """A concept the index can answer: its upper bound and its alternatives."""

    bound: float
    alts: list


def _bounded_groups(query: ranking.Query, vocab: ranking.Vocabulary) -> list[_Group]:
    """The concepts a record can match (an alternative whose terms are all indexed),
    highest upper bound (rarest) first."""
    out = []
    for concept in query.concepts:
        alts = [a for a in concept.alternatives if all(vocab.df(t) for t in a)]
        if alts and any(map(_FTS_SAFE.match, (t for a in alts for t in a))):
            out.append(_Group(ranking.concept_bound(concept), alts))
    return sorted(out, key=lambda g: -g.bound)


#: Nodes of the "could still reach the top" expression before it is widened (safely).
VIABLE_NODES = 200


def _viable(groups: list[_Group], concepts: int, theta: float):
    """A boolean expression (nested ``("and"|"or", [...])``, ``int`` = a group, ``True``,
    ``False``) matched by every record that could score at least ``theta``: a record
    matching only the groups of a set S scores at most ``ranking.bound(sum of their
    bounds, |S|)``. Groups go highest bound first; past ``VIABLE_NODES`` a branch is
    widened to "any of the remaining groups", which matches more, never fewer."""
    suffix = [0.0] * (len(groups) + 1)
    for i in range(len(groups) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + groups[i].bound
    nodes = 0

    def walk(i: int, acc: float, count: int):
        nonlocal nodes
        if ranking.bound(acc, count, concepts) >= theta:
            return True
        if i == len(groups):
            return False
        if ranking.bound(acc + suffix[i], count + len(groups) - i, concepts) < theta:
            return False
        nodes += 1
        if nodes > VIABLE_NODES:
            # Widen: a record that matches none of groups i..j-1 cannot reach θ once the
            # groups from j on cannot (MaxScore's "essential" lists).
            j = i + 1
            while ranking.bound(acc + suffix[j], count + len(groups) - j, concepts) >= theta:
                j += 1
            return ("or", list(range(i, j)))
        take = walk(i + 1, acc + groups[i].bound, count + 1)
        skip = walk(i + 1, acc, count)
        with_i = i if take is True else (("and", [i, take]) if take is not False else False)
        if skip is False:
            return with_i
        if with_i is False:
            return skip
        if skip is True:
            return True
        return ("or", [with_i, skip])

    return walk(0, 0.0, 0)


def _render(node, groups: list[_Group]) -> str:
    if connection.vendor == "postgresql":
        and_, or_, alternative = " & ", " | ", _tsquery_alternative
    else:
        and_, or_, alternative = " AND ", " OR ", _fts_alternative
    if isinstance(node, bool):
        raise ValueError("a constant has no full-text expression")
    if isinstance(node, int):
        return "(" + or_.join(filter(None, map(alternative, groups[node].alts))) + ")"
    joiner = and_ if node[0] == "and" else or_
    return "(" + joiner.join(_render(child, groups) for child in node[1]) + ")"


def _fetch_terms(
    expression: str, filters: dict, limit: int | None = None, *, ranked: bool = True
) -> list[tuple]:
    """(id, index_name, index_main, index_rest) of the records matching the expression.
    With ``limit``: at most that many; ``ranked``, the database's own best first (FTS5's
    bm25, PostgreSQL's ts_rank, with the field weights), so that a capped fetch keeps the
    likeliest records, not the first ones (this makes the database match and rank every
    record first); not ``ranked``, the first ones found (the index stops there)."""
    if limit and not ranked:
        where, params = _filter_sql(filters)
        table = LibraryEntry._meta.db_table
        columns = "e.id, e.index_name, e.index_main, e.index_rest"
        if connection.vendor == "sqlite":
            sql = (
                f"SELECT {columns} FROM library_fts f JOIN {table} e ON e.id = f.rowid "
                f"WHERE library_fts MATCH %s{where} LIMIT {int(limit)}"
            )
        else:
            sql = (
                f"SELECT {columns} FROM {table} e WHERE e.search_vector @@ "
                f"to_tsquery('simple', %s){where} LIMIT {int(limit)}"
            )
        with connection.cursor() as cursor:
            cursor.execute(sql, [expression, *params])
            return cursor.fetchall()
    where, params = _filter_sql(filters)
    table = LibraryEntry._meta.db_table
    columns = "e.id, e.index_name, e.index_main, e.index_rest"
    if connection.vendor == "sqlite":
        weights = ", ".join(str(w) for w in ranking.FIELD_WEIGHTS)
        if limit and not where:
            # Rank and cut in the index alone, then read only the rows kept.
            sql = (
                f"SELECT {columns} FROM (SELECT rowid, bm25(library_fts, {weights}) AS r "
                f"FROM library_fts WHERE library_fts MATCH %s ORDER BY r LIMIT {int(limit)}) b "
                f"JOIN {table} e ON e.id = b.rowid ORDER BY b.r"
            )
        else:
            order = f" ORDER BY bm25(library_fts, {weights}) LIMIT {int(limit)}" if limit else ""
            sql = (
                f"SELECT {columns} FROM library_fts f JOIN {table} e ON e.id = f.rowid "
                f"WHERE library_fts MATCH %s{where}{order}"
            )
    elif connection.vendor == "postgresql":
        order = (
            " ORDER BY ts_rank('{0, 0.17, 0.33, 1.0}'::float4[], e.search_vector, q) DESC"
            f" LIMIT {int(limit)}"
            if limit
            else ""
        )
        sql = (
            f"SELECT {columns} FROM {table} e, to_tsquery('simple', %s) q "
            f"WHERE e.search_vector @@ q{where}{order}"
        )
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params])
        return cursor.fetchall()


def _rows_by_id(ids: list[int]):
    table = LibraryEntry._meta.db_table
    statement = f"SELECT id, index_name, index_main, index_rest FROM {table}"
    out = []
    with connection.cursor() as cursor:
        for _ in textindex.where_id_in(cursor, statement, ids):
            out += cursor.fetchall()
    return out


def _proposed_rows(ids: list[int]) -> tuple[list[tuple], dict[int, dict]]:
    """The index texts of the records the embedded index proposed, as ``_rows_by_id``
    reads them, and their facet values, read in the same statement (the page's facets are
    counted from these: one statement less on every search)."""
    columns = ", ".join(connection.ops.quote_name(name) for name in FACET_FIELDS)
    statement = (
        f"SELECT id, index_name, index_main, index_rest, {columns} "
        f"FROM {LibraryEntry._meta.db_table}"
    )
    rows, facets = [], {}
    with connection.cursor() as cursor:
        for _ in textindex.where_id_in(cursor, statement, ids):
            for row in cursor.fetchall():
                rows.append(row[:4])
                facets[row[0]] = dict(zip(FACET_FIELDS, row[4:], strict=True))
    return rows, facets


def max_candidates() -> int:
    """``LABINOV_SEARCH_MAX_CANDIDATES``: the most records the last fetch may score."""
    return max(1, int(getattr(settings, "LIBRARY_SEARCH_MAX_CANDIDATES", 3_000)))


@dataclass
class TopMatches:
    """``top_matches``' answer: the records scored (score, id), best first, ties by id;
    how many records were read; whether the first k are proven the exact top k; and the
    facet values of the records read, by id, where they were read with them."""

    scored: list[tuple[float, int]]
    examined: int
    exact: bool
    facets: dict[int, dict] = field(default_factory=dict)


def top_matches(
    query: ranking.Query,
    vocab: ranking.Vocabulary,
    filters: dict,
    depth: int,
    avg_lengths: tuple[float, float, float],
    limit: int | None = None,
) -> TopMatches:
    """The records scored (score, id), best first, ties by id, whose first ``depth`` are
    the ``depth`` best of all matching records by ``ranking.score`` (what scoring every
    matching record would give) when ``exact``; and how many records were fetched.

    Rank-safe top-k (MaxScore over concepts): a first, bounded fetch (``candidate_ids``)
    gives scores, the ``depth``-th of which is the threshold θ. A record matching only a
    set S of the query's concepts scores at most ``ranking.bound(Σ concept_bound, |S|)``,
    so only the records matching a set whose bound reaches θ can still enter the top:
    that condition is written as one full-text expression (``_viable``), the database
    returns every record matching it, and each is scored here. Common concepts, whose
    bound is small, thus only narrow; they never make the database return half the table
    unless the query has nothing rarer. Before the final fetch, a few capped fetches at a
    higher threshold raise θ cheaply (they can only raise it: every score is real).

    Bounded cost: the final fetch reads at most ``limit`` (``max_candidates()``) records,
    the database's own best matches of the expression first. When more match, only those
    are scored and ``exact`` is False: the answer is then the best of the records read.
    """
    limit = limit or max_candidates()
    groups = _bounded_groups(query, vocab)
    concepts = len(query.concepts)
    if not groups:
        return TopMatches([], 0, True)
    scores: dict[int, float] = {}

    def add(rows) -> None:
        values = ranking.score_many(query, [fields for _pk, *fields in rows], avg_lengths)
        for (pk, *_fields), value in zip(rows, values, strict=True):
            if value > 0:
                scores[pk] = value

    def theta() -> float:
        if len(scores) < depth:
            return 0.0
        return heapq.nlargest(depth, scores.values())[-1]

    if vocab.total > SMALL_CORPUS and (index_path := textindex.usable()):
        # The embedded index proposes; the entries are scored here as the database holds
        # them. Not proven exact: its BM25 approximates ``ranking.score`` (benchmarks.md).
        ids = textindex.candidates(query, filters, max(INDEX_POOL, depth), index_path)
        rows, facets = _proposed_rows(ids)
        add(rows)
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return TopMatches([(value, pk) for pk, value in ranked], len(ids), False, facets)
    seen: set[int] = set()

    def fetch(node, cap=None, ranked=True) -> int:
        """Score the records matching ``node`` (at most ``cap``); how many matched."""
        if node is False:
            return 0
        if node is True:  # everything matching any concept
            node = ("or", list(range(len(groups))))
        rows = _fetch_terms(_render(node, groups), filters, cap, ranked=ranked)
        fresh = [r for r in rows if r[0] not in seen]
        seen.update(r[0] for r in fresh)
        add(fresh)
        return len(rows)

    if vocab.total > SMALL_CORPUS:
        first = candidate_ids(query, vocab, filters)
        rows = _rows_by_id(first)
        seen.update(first)
        add(rows)
        # Raise θ with capped fetches of the records that could score far above it, from
        # the highest possible score down (each cheap: only records matching much).
        target = ranking.bound(sum(g.bound for g in groups), len(groups), concepts)
        # Below ``floor`` every matching record could reach the target: the final fetch
        # takes them all (without it, a query matching fewer than ``depth`` records kept
        # θ at 0 and fetched again at ever lower targets, about 1,400 times).
        floor = ranking.bound(min(g.bound for g in groups), 1, concepts)
        # Unranked (the index stops at SEED_ROWS), and no more rows than the cap in all.
        while (target := target * SEED_STEP) > max(theta(), floor) and len(seen) < limit:
            fetch(_viable(groups, concepts, target), cap=SEED_ROWS, ranked=False)
    # First found, one more than the cap: a full answer proves that nothing was left out.
    # Past the cap, those rows are dropped unscored for the database's best ``limit``, so
    # that no more than ``limit`` records are scored here by this fetch.
    final = _viable(groups, concepts, theta())
    exact = True
    if final is not False:
        expression = _render(("or", list(range(len(groups)))) if final is True else final, groups)
        rows = _fetch_terms(expression, filters, limit + 1, ranked=False)
        if len(rows) > limit:
            exact = False
            if CAPPED_RANKED:
                rows = _fetch_terms(expression, filters, limit, ranked=True)
        fresh = [r for r in rows if r[0] not in seen]
        seen.update(r[0] for r in fresh)
        add(fresh)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
    return TopMatches([(value, pk) for pk, value in ranked], len(seen), exact)
