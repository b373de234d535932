"""What a query means and how well a record answers it, independent of the database.

A query becomes *concepts*: one per meaningful word, each with its alternatives (the word's
stem, its lexicon variants a little lower, a spelling correction lower still). A record is
scored with BM25F over three weighted fields (name above problem and solution above the
rest), taking for each concept its best alternative, then multiplied by how many of the
query's concepts it covers. The database only fetches candidates (see ``topk.py``); the
final order is computed here, the same way on SQLite and PostgreSQL.
"""

import functools
import math
from dataclasses import dataclass, field

import numpy as np

from labinov.library.search import analysis

#: Field weights (BM25F): name, problem + solution, the rest (agency, sector, impact...).
FIELD_WEIGHTS = (3.0, 1.0, 0.5)
#: Length normalisation per field: names are short and all alike, so barely normalised.
FIELD_B = (0.3, 0.75, 0.75)
K1 = 1.2
#: Weight of a lexicon variant and of a spelling correction beside the word as typed.
VARIANT_WEIGHT = 0.8
CORRECTION_WEIGHT = 0.7
#: How much covering more of the query's concepts counts: score * (1 + COVERAGE * share**2).
COVERAGE = 1.0

FIELDS = ("name", "main", "rest")


@dataclass
class Concept:
    """One meaningful word of the query and the term sequences that satisfy it."""

    word: str
    alternatives: dict[tuple[str, ...], float] = field(default_factory=dict)
    idf: float = 0.0

    def add(self, terms: tuple[str, ...], weight: float) -> None:
        if terms and weight > self.alternatives.get(terms, 0.0):
            self.alternatives[terms] = weight

    def all_terms(self) -> set[str]:
        return {t for alt in self.alternatives for t in alt}


@dataclass
class Query:
    text: str
    concepts: list[Concept]
    corrections: dict[str, str] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not any(c.alternatives for c in self.concepts)

    def terms(self) -> set[str]:
        return {t for c in self.concepts for t in c.all_terms()}

    def highlight_terms(self) -> set[str]:
        return self.terms()

    @functools.cached_property
    def compiled(self) -> list[tuple[float, list[tuple[tuple[str, ...], str | None, float]]]]:
        """Per concept: its idf and its alternatives as (terms, the term when there is
        one, weight); computed once the concepts are final (``parse`` sets the idfs)."""
        return [
            (
                concept.idf,
                [
                    (alt, alt[0] if len(alt) == 1 else None, weight)
                    for alt, weight in concept.alternatives.items()
                ],
            )
            for concept in self.concepts
        ]


class Vocabulary:
    """Document frequencies and the known words of the index. ``engine`` gives one backed by
    the database; tests and the relevance bench may give one built in memory."""

    def __init__(self, df: dict[str, int], words: dict[str, str], total: int):
        self.df_map, self.words, self.total = df, words, max(total, 1)
        self._deletes: dict[str, list[str]] | None = None

    def df(self, term: str) -> int:
        return self.df_map.get(term, 0)

    def idf(self, term: str) -> float:
        n = self.df(term)
        return math.log(1 + (self.total - n + 0.5) / (n + 0.5))

    # Spelling: symmetric deletes (SymSpell) of distance one over the known surface words.
    def _delete_index(self) -> dict[str, list[str]]:
        if self._deletes is None:
            index: dict[str, list[str]] = {}
            for word in self.words:
                if len(word) < 4:
                    continue
                for variant in _deletes(word):
                    index.setdefault(variant, []).append(word)
            self._deletes = index
        return self._deletes

    def correct(self, word: str) -> str | None:
        """The most frequent known word one edit (or one swap) away, as a stem."""
        if len(word) < 4 or word.isdigit():
            return None
        index = self._delete_index()
        found: set[str] = set(index.get(word, ()))
        for variant in _deletes(word):
            if variant in self.words:
                found.add(variant)
            found.update(index.get(variant, ()))
        found.discard(word)
        stems = {self.words[w] for w in found if self.words.get(w)}
        stems = {s for s in stems if self.df(s) > 0}
        if not stems:
            return None
        return max(stems, key=lambda s: (self.df(s), s))


def _deletes(word: str) -> set[str]:
    return {word[:i] + word[i + 1 :] for i in range(len(word))}


def parse(text: str, vocab: Vocabulary) -> Query:
    """Turn what a person typed into weighted concepts."""
    lexicon, phrases = analysis.lexicon(), analysis.phrase_lexicon()
    concepts: list[Concept] = []
    sequence: list[str] = []
    corrections: dict[str, str] = {}
    seen: set[str] = set()
    for word in analysis.words(text):
        for term in analysis.word_terms(word):
            sequence.append(term)
            if term in seen:
                continue
            seen.add(term)
            concept = Concept(word=word)
            if vocab.df(term) or term in lexicon:
                concept.add((term,), 1.0)
            for variant in lexicon.get(term, ()):
                concept.add(variant, VARIANT_WEIGHT)
            known = analysis.is_dictionary_word(term) or analysis.is_dictionary_word(word)
            if not known and not any(vocab.df(t) for alt in concept.alternatives for t in alt):
                fixed = vocab.correct(word if "-" not in word else term) or vocab.correct(term)
                if fixed:
                    corrections[word] = fixed
                    concept.add((fixed,), CORRECTION_WEIGHT)
                    for variant in lexicon.get(fixed, ()):
                        concept.add(variant, CORRECTION_WEIGHT * VARIANT_WEIGHT)
            concepts.append(concept)
    # Phrases of the lexicon ("kartu keluarga") also find their short forms ("kk"); each
    # once, in the lexicon's order.
    starts = analysis.phrase_starts()
    found = {
        (place, phrase)
        for i, term in enumerate(sequence)
        for place, phrase in starts.get(term, ())
        if tuple(sequence[i : i + len(phrase)]) == phrase
    }
    for _place, phrase in sorted(found):
        concept = Concept(word=" ".join(phrase))
        for single in phrases[phrase]:
            concept.add((single,), VARIANT_WEIGHT)
        concepts.append(concept)
    query = Query(
        text=text, concepts=[c for c in concepts if c.alternatives], corrections=corrections
    )
    for concept in query.concepts:
        # A concept is as rare as its rarest alternative that the knowledge base holds. An
        # alternative it never holds (a regional synonym, an abbreviation) says nothing of
        # the concept's rarity: counted, it gave every word with such a synonym the idf
        # of a word found nowhere ("desa", in 214,000 of 1,000,000 records, weighed as
        # much as a word of one record). See benchmarks.md, "relevance at scale".
        idfs = [min(vocab.idf(t) for t in alt) for alt in concept.alternatives]
        held = [
            idf
            for idf, alt in zip(idfs, concept.alternatives, strict=True)
            if all(vocab.df(t) for t in alt)
        ]
        concept.idf = max(held or idfs, default=0.0)
    return query


@dataclass
class Document:
    """The indexed terms of one record, per field."""

    key: object
    fields: tuple[list[str], list[str], list[str]]


def score(query: Query, doc: Document, avg_lengths: tuple[float, float, float]) -> float:
    if not query.concepts:
        return 0.0
    wanted = query.terms()
    counts = []
    lengths = []
    for terms in doc.fields:
        found: dict[str, int] = {}
        for term in terms:
            if term in wanted:
                found[term] = found.get(term, 0) + 1
        counts.append(found)
        lengths.append(len(terms))
    return _score_counts(query, counts, lengths, avg_lengths)


def score_many(
    query: Query, records: list[tuple[str, str, str]], avg_lengths: tuple[float, float, float]
) -> list[float]:
    """``score`` of each of many records given their three stored term columns
    (space-separated terms): the same arithmetic in the same order (so the same floats),
    computed per alternative over all the records at once (numpy). A search scores
    hundreds of records; per record in Python, that was most of its time.

    Per field, a matrix holds each of the query's terms' count in each record: only the
    terms a record has are counted (a set intersection in C), so a long text costs little
    more than its split."""
    n = len(records)
    if not query.concepts or not n:
        return [0.0] * n
    wanted = query.terms()
    row = {term: i for i, term in enumerate(sorted(wanted))}
    fields = []
    for f, (weight, b, avg) in enumerate(zip(FIELD_WEIGHTS, FIELD_B, avg_lengths, strict=True)):
        counts = np.zeros((len(row), n))
        lengths = np.empty(n)
        for j, record in enumerate(records):
            terms = record[f].split()
            lengths[j] = len(terms)
            for term in wanted.intersection(terms):
                counts[row[term], j] = terms.count(term)
        fields.append((weight, counts, 1 - b + b * (lengths / avg if avg else 1.0)))
    total, matched = np.zeros(n), np.zeros(n)
    saturation = K1 + 1
    for idf, alternatives in query.compiled:
        best = np.zeros(n)
        for alt, single, weight in alternatives:
            tf = np.zeros(n)
            for w, counts, norm in fields:
                hits = counts[row[single]] if single else counts[[row[t] for t in alt]].min(0)
                tf += w * hits / norm
            best = np.maximum(best, weight * tf * saturation / (tf + K1))
        matched += best > 0
        total += idf * best
    share = matched / len(query.concepts)
    return (total * (1 + COVERAGE * share * share)).tolist()


def _score_counts(query: Query, counts: list, lengths: list, avg_lengths) -> float:
    # The same arithmetic as written out in the module's docstring, on the query's
    # concepts flattened once (``Query.compiled``): the engine scores hundreds of records
    # a search, and this loop was most of a search's time.
    fields = [
        (w, c, 1 - b + b * (n / avg if avg else 1.0))
        for w, c, n, avg, b in zip(
            FIELD_WEIGHTS, counts, lengths, avg_lengths, FIELD_B, strict=True
        )
        if c
    ]
    total, matched = 0.0, 0
    saturation = K1 + 1
    for idf, alternatives in query.compiled:
        best = 0.0
        for alt, single, weight in alternatives:
            tf = 0.0
            for w, c, n in fields:
                hits = c.get(single, 0) if single else min(c.get(t, 0) for t in alt)
                if hits:
                    tf += w * hits / n
            if tf:
                value = weight * tf * saturation / (tf + K1)
                if value > best:
                    best = value
        if best:
            matched += 1
            total += idf * best
    share = matched / len(query.concepts)
    return total * (1 + COVERAGE * share * share)


def concept_bound(concept: Concept) -> float:
    """The most ``concept`` can add to any record's score before the coverage factor:
    BM25's saturation ``tf (K1 + 1) / (tf + K1)`` stays below ``K1 + 1``."""
    return concept.idf * max(concept.alternatives.values(), default=0.0) * (K1 + 1)


def bound(concepts_bound: float, matched: int, concepts: int) -> float:
    """The most a record can score that matches ``matched`` of the query's ``concepts``
    concepts, whose ``concept_bound``s sum to ``concepts_bound``: ``score`` never exceeds
    it (the engine's rank-safe top-k prunes with it)."""
    share = matched / max(concepts, 1)
    return concepts_bound * (1 + COVERAGE * share * share)
