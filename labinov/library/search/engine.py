"""Search over the knowledge base: find the exact top k of ``ranking.score`` with the
database's full-text index, and count facets.

The answer is rank-safe at any size (``top_matches``): a bounded first fetch
(``candidate_ids``: rare concepts ranked by the database within a postings budget, the
first matches of the common ones) gives a threshold, and the database then returns every
record that could still beat it, judged by per-concept upper bounds (MaxScore); those are
scored here. See docs/search.md.
"""

import heapq
import html
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils.safestring import SafeString, mark_safe

from labinov.library.filtersets import FACET_FIELDS, FILTER_FIELDS
from labinov.library.models import LibraryEntry, LibraryStats, LibraryTerm, LibraryWord
from labinov.library.search import analysis, embeddings, ranking, textindex

CANDIDATES = 100
#: Matches the database may score per query: FTS5's bm25 costs about 6 µs a match;
#: PostgreSQL's ts_rank reads each match's tsvector from the table, so it gets fewer.
POSTINGS_BUDGET = {"sqlite": 3_000, "postgresql": 1_000}
SMALL_CORPUS = 2_000
#: The fields a search filters on, and those it counts as facets: declared once, in
#: ``library/filtersets.py`` (the origin of entries, ``source``, filters but is not counted).
FILTERS = FILTER_FIELDS
FACETS = FACET_FIELDS
_FTS_SAFE = re.compile(r"^[0-9a-z]+$")


class DatabaseVocabulary(ranking.Vocabulary):
    """Document frequencies read from ``LibraryTerm`` as a query needs them; the known
    words for spelling correction are loaded once per process and generation."""

    _words_cache: dict = {}

    def __init__(self, stats: LibraryStats):
        super().__init__({}, {}, stats.entries)
        self.generation = stats.generation
        self._loaded_words = False

    def prefetch(self, terms) -> None:
        wanted = {t for t in terms if t not in self.df_map}
        if wanted:
            found = dict(LibraryTerm.objects.filter(term__in=wanted).values_list("term", "df"))
            for term in wanted:
                self.df_map[term] = found.get(term, 0)

    def df(self, term: str) -> int:
        if term not in self.df_map:
            self.prefetch([term])
        return self.df_map[term]

    def _delete_index(self):
        cached = self._words_cache.get("index")
        if cached is None or cached[0] != self.generation:
            self.words = dict(LibraryWord.objects.values_list("word", "stem"))
            self._deletes = None
            built = super()._delete_index()
            DatabaseVocabulary._words_cache["index"] = (self.generation, built, self.words)
            return built
        self.words = cached[2]
        return cached[1]


@dataclass
class Hit:
    entry: LibraryEntry
    score: float
    #: HTML built only by ``snippet`` or ``preview``, which escape the entry's text.
    snippet: SafeString = field(default_factory=SafeString)


@dataclass
class Results:
    query: ranking.Query | None
    hits: list[Hit]
    count: int
    facets: dict[str, list[tuple[object, int]]] = field(default_factory=dict)
    capped: bool = False
    #: False when the search read only its ``max_candidates()`` best-looking records
    #: (by the database's ranking) of more that could have entered the top k.
    exact: bool = True


def parse_query(
    text: str, stats: LibraryStats | None = None
) -> tuple[ranking.Query, DatabaseVocabulary]:
    stats = stats or LibraryStats.current()
    vocab = DatabaseVocabulary(stats)
    lexicon = analysis.lexicon()
    terms = set()
    for word in analysis.words(text):
        for term in analysis.word_terms(word):
            terms.add(term)
            for variant in lexicon.get(term, ()):
                terms.update(variant)
    vocab.prefetch(terms)
    return ranking.parse(text, vocab), vocab


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
    for name in FILTERS:
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


def max_candidates() -> int:
    """``LABINOV_SEARCH_MAX_CANDIDATES``: the most records the last fetch may score."""
    return max(1, int(getattr(settings, "LIBRARY_SEARCH_MAX_CANDIDATES", 3_000)))


@dataclass
class TopMatches:
    """``top_matches``' answer: the records scored (score, id), best first, ties by id;
    how many records were read; and whether the first k are proven the exact top k."""

    scored: list[tuple[float, int]]
    examined: int
    exact: bool


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

    if vocab.total > SMALL_CORPUS and textindex.usable():
        # The embedded index proposes; the entries are scored here as the database holds
        # them. Not proven exact: its BM25 approximates ``ranking.score`` (benchmarks.md).
        ids = textindex.candidates(query, filters, max(INDEX_POOL, depth))
        add(_rows_by_id(ids))
        ranked = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))
        return TopMatches([(value, pk) for pk, value in ranked], len(ids), False)
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


def _document(entry: LibraryEntry) -> ranking.Document:
    return ranking.Document(
        entry.pk, (entry.index_name.split(), entry.index_main.split(), entry.index_rest.split())
    )


def _facets(rows: list[dict]) -> dict[str, list[tuple[object, int]]]:
    out = {}
    for name in FACETS:
        counts: dict = {}
        for row in rows:
            value = row[name]
            if value in (None, ""):
                continue
            counts[value] = counts.get(value, 0) + 1
        out[name] = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return out


def _browse(filters: dict, limit: int, offset: int, with_facets: bool) -> Results:
    qs = LibraryEntry.objects.all()
    qs = qs.filter(**{k: v for k, v in filters.items() if k in FILTERS and v not in (None, "")})
    facets = {}
    if with_facets:
        for name in FACETS:
            rows = qs.exclude(**{f"{name}__isnull": True}).values_list(name).annotate(n=Count("id"))
            facets[name] = sorted(
                ((v, n) for v, n in rows.order_by() if v not in ("", None)),
                key=lambda kv: (-kv[1], str(kv[0])),
            )
    total = qs.count()
    entries = list(qs.order_by("-year", "name", "id")[offset : offset + limit])
    return Results(None, [Hit(e, 0.0, preview(e)) for e in entries], total, facets)


def search(
    text: str,
    *,
    filters: dict | None = None,
    limit: int = 10,
    offset: int = 0,
    with_facets: bool = False,
    snippets: bool = True,
    semantic: bool = True,
) -> Results:
    """The knowledge base's answer to ``text``, best first. An empty text lists entries
    (filtered), newest first. ``semantic``: re-rank with sentence embeddings when they
    are installed and enabled (see ``embeddings``); the scores are then fused ones."""
    filters = {k: v for k, v in (filters or {}).items() if k in FILTERS and v not in (None, "")}
    stats = LibraryStats.current()
    if not analysis.words(text):
        return _browse(filters, limit, offset, with_facets)
    query, vocab = parse_query(text, stats)
    lengths = (
        stats.name_length / max(stats.entries, 1),
        stats.main_length / max(stats.entries, 1),
        stats.rest_length / max(stats.entries, 1),
    )
    # Exact for the page asked; the list goes on (for facets, the count and the semantic
    # re-ranking) with the best of the other records scored, up to CANDIDATES.
    found = top_matches(query, vocab, filters, offset + limit, lengths)
    top = found.scored[: max(CANDIDATES, offset + limit)]
    facet_rows = {
        row[0]: dict(zip(FACETS, row[1:], strict=True))
        for row in LibraryEntry.objects.filter(pk__in=[pk for _s, pk in top]).values_list(
            "id", *FACETS
        )
    }
    scored = [(value, pk, facet_rows[pk]) for value, pk in top if pk in facet_rows]
    if semantic:
        scored = embeddings.rerank(text, scored)
    page_ids = [pk for _s, pk, _f in scored[offset : offset + limit]]
    by_id = LibraryEntry.objects.in_bulk(page_ids)
    ranked = [(s, by_id[pk]) for s, pk, _f in scored if pk in by_id]
    terms = query.terms()
    hits = [Hit(e, round(s, 4), snippet(e, terms) if snippets else SafeString()) for s, e in ranked]
    return Results(
        query,
        hits,
        len(scored),
        _facets([f for _s, _pk, f in scored]) if with_facets else {},
        capped=found.examined > len(scored) or not found.exact,
        exact=found.exact,
    )


def highlight(text: str, terms: set[str]) -> SafeString:
    """The text, HTML-escaped, with the words that match ``terms`` in ``<mark>``."""
    out, last = [], 0
    lowered = analysis.normalise(text)
    if len(lowered) != len(text):  # normalisation changed lengths: match on the text itself
        lowered = text.lower()
    for match in analysis.TOKEN.finditer(lowered):
        word_terms = set(analysis.word_terms(match.group()))
        if word_terms & terms:
            out.append(html.escape(text[last : match.start()]))
            out.append(f"<mark>{html.escape(text[match.start() : match.end()])}</mark>")
            last = match.end()
    out.append(html.escape(text[last:]))
    # Safe: every piece of the entry's text above went through html.escape.
    return mark_safe("".join(out))


def preview(entry: LibraryEntry, width: int = 220) -> SafeString:
    """The start of the problem (else the solution), HTML-escaped, for a listing that has
    no words to highlight."""
    text = entry.problem or entry.solution or ""
    # Safe: the entry's text is escaped; the ellipsis is a literal.
    return mark_safe(html.escape(text[:width]) + (" …" if len(text) > width else ""))


def snippet(entry: LibraryEntry, terms: set[str], width: int = 220) -> SafeString:
    """A short passage of the problem, solution or impact around the first matching word,
    highlighted; the entry's text is HTML-escaped, so the result is safe HTML."""
    for text in (entry.problem, entry.solution, entry.impact):
        if not text:
            continue
        lowered = text.lower()
        for match in analysis.TOKEN.finditer(lowered):
            if set(analysis.word_terms(match.group())) & terms:
                start = max(0, match.start() - width // 3)
                if start:
                    space = text.find(" ", start)
                    start = space + 1 if 0 <= space < match.start() else start
                end = min(len(text), start + width)
                if end < len(text):
                    space = text.rfind(" ", start, end)
                    end = space if space > match.end() else end
                piece = highlight(text[start:end], terms)
                # Safe: ``piece`` is escaped by ``highlight``; the ellipses are literals.
                return mark_safe(
                    ("… " if start else "") + piece + (" …" if end < len(text) else "")
                )
    return preview(entry, width)
