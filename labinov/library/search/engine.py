"""Search over the knowledge base: the answer to a query (``search``), best first, with
snippets, facets and the semantic re-ranking; an empty query lists entries.

Which records are the best is ``topk``'s work: the exact top k of ``ranking.score`` by the
database's full-text index, or the embedded index's proposals scored here. See
docs/search.md.
"""

import html
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.safestring import SafeString, mark_safe

from labinov.library.filtersets import FACET_FIELDS, FILTER_FIELDS
from labinov.library.models import LibraryEntry, LibraryStats, LibraryTerm, LibraryWord
from labinov.library.search import analysis, embeddings, ranking, topk

#: The fields a search filters on, and those it counts as facets: declared once, in
#: ``library/filtersets.py`` (the origin of entries, ``source``, filters but is not counted).
FILTERS = FILTER_FIELDS
FACETS = FACET_FIELDS
INDEX_TEXTS = ("index_name", "index_main", "index_rest")


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
    found = topk.top_matches(query, vocab, filters, offset + limit, lengths)
    top = found.scored[: max(topk.CANDIDATES, offset + limit)]
    # Facet values (and whether the record is still there): as read with the record's
    # terms where they were, otherwise read now.
    facet_rows = {pk: found.facets[pk] for _s, pk in top if pk in found.facets}
    unread = [pk for _s, pk in top if pk not in facet_rows]
    if unread:
        facet_rows.update(
            (row[0], dict(zip(FACETS, row[1:], strict=True)))
            for row in LibraryEntry.objects.filter(pk__in=unread).values_list("id", *FACETS)
        )
    scored = [(value, pk, facet_rows[pk]) for value, pk in top if pk in facet_rows]
    if semantic:
        scored = embeddings.rerank(text, scored)
    page_ids = [pk for _s, pk, _f in scored[offset : offset + limit]]
    # The page's entries without their index texts (the longest columns, scored already).
    by_id = LibraryEntry.objects.defer(*INDEX_TEXTS).in_bulk(page_ids)
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
