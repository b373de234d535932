"""Indonesian text analysis shared by indexing and querying: tokens, Sastrawi stems, stop
words and the public-service lexicon. The same function turns a record and a query into
terms, so what is indexed and what is asked always meet.

Sastrawi's stemmer costs about half a millisecond a word; every stem is cached per word
for the life of the process (the vocabulary of public-service texts is small).
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
#: A word of a normalised text (``words``): letters a to z and digits, with single
#: hyphens inside (``e-ktp``, ``kampung-kampung``).
TOKEN = re.compile(r"[0-9a-z]+(?:-[0-9a-z]+)*")
#: Each byte as ``words`` reads it: a digit, a letter a to z and a hyphen stay, any
#: other byte becomes a space.
_SPACES = bytes(c if chr(c) in "0123456789abcdefghijklmnopqrstuvwxyz-" else 32 for c in range(256))


@lru_cache(maxsize=1)
def _stemmer():
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    return StemmerFactory().create_stemmer()


def _read_words(name: str) -> list[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def stop_words() -> frozenset[str]:
    """Sastrawi's stop words, less the content words that public-service problems are
    made of (``ibu`` as in ibu hamil, ``kasus``, ``orang``...), plus a few of ours."""
    from Sastrawi.StopWordRemover.StopWordRemoverFactory import StopWordRemoverFactory

    keep = set(_read_words("stopwords_keep.txt"))
    extra = set(_read_words("stopwords_extra.txt"))
    return frozenset((set(StopWordRemoverFactory().get_stop_words()) - keep) | extra)


@lru_cache(maxsize=1)
def stem_overrides() -> dict[str, str]:
    return dict(line.split()[:2] for line in _read_words("stem_overrides.txt"))


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    if len(word) <= 3 or word.isdigit():
        return word
    return stem_overrides().get(word) or _stemmer().stem(word) or word


def is_dictionary_word(word: str) -> bool:
    """Whether Sastrawi's dictionary of Indonesian root words knows the word (so a word
    missing from the index is not a misspelling)."""
    return _stemmer().delegatedStemmer.dictionary.contains(word)


def normalise(text: str) -> str:
    if not text or text.isascii():
        return (text or "").lower()
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """Lower-cased words; hyphenated words stay whole (``kampung-kampung``, ``e-ktp``):
    the matches of ``TOKEN`` in the normalised text.

    Found without the regular expression, which took a third of an import's analysis:
    every character that no word holds becomes a space (a character outside ASCII that
    ``normalise`` leaves is one, as it is no match of ``TOKEN``), then every hyphen that
    does not join two words (next to a space, another hyphen or an end), and the rest is
    split on the spaces: C string methods, two to three times as fast."""
    spaced = normalise(text).encode("ascii", "replace").translate(_SPACES).decode("ascii")
    if "-" in spaced:
        spaced = f" {spaced} "
        while "--" in spaced:
            spaced = spaced.replace("--", "  ")
        spaced = spaced.replace(" -", "  ").replace("- ", "  ")
    return spaced.split()


@lru_cache(maxsize=200_000)
def word_terms(word: str) -> tuple[str, ...]:
    """The index terms of one word: its stem, or for a hyphenated word that is not a
    reduplication (``e-ktp``, ``rawat-jalan``) the stems of its parts and the joined form."""
    stops = stop_words()
    if word in stops:
        return ()
    if "-" in word:
        parts = [p for p in word.split("-") if p]
        stems = [stem(p) for p in parts]
        if len(set(stems)) == 1:  # reduplication: anak-anak, kampung-kampung
            return () if parts[0] in stops else (stems[0],)
        joined = "".join(parts)
        return tuple(
            dict.fromkeys(
                [
                    *(
                        s
                        for p, s in zip(parts, stems, strict=True)
                        if p not in stops and len(p) > 1
                    ),
                    joined,
                ]
            )
        )
    return (stem(word),)


class _TermsOfWord(dict):
    """Word -> its index terms joined by spaces ("" for a stop word), computed on first use.
    A dict with ``__missing__`` lets ``terms`` map a whole text without a Python loop."""

    LIMIT = 500_000

    def __missing__(self, word: str) -> str:
        found = " ".join(word_terms(word))
        if len(self) < self.LIMIT:
            self[word] = found
        return found


_TERMS_OF_WORD = _TermsOfWord()


class _SpacedTermsOfWord(dict):
    """Word -> its index terms, each followed by one space ("" for a stop word): joined
    end to end, the words' terms make the index text without a split and a second join."""

    LIMIT = 500_000

    def __missing__(self, word: str) -> str:
        found = "".join(f"{term} " for term in word_terms(word))
        if len(self) < self.LIMIT:
            self[word] = found
        return found


_SPACED_TERMS_OF_WORD = _SpacedTermsOfWord()


def index_text(tokens: list[str]) -> str:
    """``" ".join(terms_of_words(tokens))`` in one pass: the terms of already tokenised
    words joined by single spaces, as an entry's index columns hold them (an import
    analyses millions of words; this is its inner loop)."""
    return "".join(map(_SPACED_TERMS_OF_WORD.__getitem__, tokens))[:-1]


def terms_of_words(tokens: list[str]) -> list[str]:
    """Index terms of already tokenised words (see ``words``), in order, repeats kept."""
    return " ".join(map(_TERMS_OF_WORD.__getitem__, tokens)).split()


def terms(text: str) -> list[str]:
    """Index terms of a text, in order, repeats kept (they are term frequencies)."""
    return terms_of_words(words(text))


@dataclass(frozen=True)
class LexiconGroup:
    """One line of ``data/lexicon.txt``: variants of one meaning and whose usage they
    follow (``source``: KBBI, a ministry's official terms, a regional language...)."""

    source: str
    variants: tuple[str, ...]

    def term_variants(self) -> list[tuple[str, ...]]:
        """The variants as index terms, in order, without repeats or empty ones."""
        return list(dict.fromkeys(t for t in (tuple(terms(v)) for v in self.variants) if t))


@lru_cache(maxsize=1)
def lexicon_groups() -> tuple[LexiconGroup, ...]:
    """The groups of ``data/lexicon.txt``: one a line, ``source | variant, variant...``.
    A line without its source is refused, so that every group says where it comes from."""
    groups = []
    for line in _read_words("lexicon.txt"):
        source, bar, variants = line.partition("|")
        if not bar or not source.strip():
            raise ValueError(f"lexicon.txt: a group without its source: {line!r}")
        groups.append(
            LexiconGroup(
                source=source.strip(),
                variants=tuple(v.strip() for v in variants.split(",") if v.strip()),
            )
        )
    return tuple(groups)


@lru_cache(maxsize=1)
def lexicon() -> dict[str, tuple[tuple[str, ...], ...]]:
    """Groups of words that mean the same thing in public service (``antrean``/``antrian``,
    ``KTP``/``e-KTP``/``kartu tanda penduduk``, ``kencing manis``/``diabetes``), from
    ``data/lexicon.txt`` (see ``lexicon_groups``); a variant of several words is a phrase.

    Answers, for each single term, the other variants of its groups as tuples of terms."""
    groups: dict[str, list[tuple[str, ...]]] = {}
    for group in lexicon_groups():
        variants = group.term_variants()
        for variant in variants:
            if len(variant) != 1:
                continue
            others = groups.setdefault(variant[0], [])
            for other in variants:
                # A phrase that contains the word itself ("antrean panjang" for
                # "antrean") finds nothing the word does not.
                if variant[0] not in other and other not in others:
                    others.append(other)
    return {k: tuple(v) for k, v in groups.items()}


@lru_cache(maxsize=1)
def phrase_lexicon() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Multi-word variants mapped to the single-term variants of their groups, so that
    ``kartu tanda penduduk`` in a query also finds ``ktp`` (and ``kencing manis``,
    ``diabetes``)."""
    out: dict[tuple[str, ...], list[str]] = {}
    for group in lexicon_groups():
        variants = group.term_variants()
        singles = [v[0] for v in variants if len(v) == 1]
        for variant in variants:
            if len(variant) > 1 and singles:
                found = out.setdefault(variant, [])
                found.extend(s for s in singles if s not in found)
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def phrase_starts() -> dict[str, tuple[tuple[int, tuple[str, ...]], ...]]:
    """The phrases of ``phrase_lexicon`` by their first term, each with its place there,
    so that a query looks up the phrases its terms begin instead of trying every one."""
    out: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for place, phrase in enumerate(phrase_lexicon()):
        out.setdefault(phrase[0], []).append((place, phrase))
    return {first: tuple(found) for first, found in out.items()}


@dataclass(frozen=True)
class ConceptTerms:
    """What the embedded index writes beside a text so that a query's concept asks one
    posting list instead of a disjunction of its alternatives (``textindex``): for a term,
    the query terms whose lexicon variants include it (itself, when it has variants); for
    a phrase variant, the query terms it satisfies, by its first and second terms."""

    by_term: dict[str, tuple[str, ...]]
    by_phrase_start: dict[str, dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]]]
    #: Changes whenever the lexicon does: an index written with other concept terms is
    #: written anew.
    fingerprint: str
    _tables: dict = field(default_factory=dict, compare=False, repr=False)

    def satisfies(self, alternative: tuple[str, ...], term: str) -> bool:
        """Whether an alternative (a term or a phrase) satisfies the concept of ``term``:
        the entries holding it hold ``term``'s concept term."""
        if len(alternative) == 1:
            return term in self.by_term.get(alternative[0], ())
        return any(
            phrase == alternative and term in served
            for phrase, served in self.by_phrase_start.get(alternative[0], {}).get(
                alternative[1], ()
            )
        )

    def written(self, text: str, prefix: str) -> str:
        """The concept terms of an index text (terms joined by single spaces): ``prefix +
        t`` and a space for each query term ``t`` whose concept a term or phrase of the
        text satisfies, once per occurrence (the index counts them as term frequencies),
        the terms' in their order, then the phrases' in the order they begin.

        An index writes millions of texts: each term's share is computed once
        (``_Written``) and joined in C; the text's pairs of terms that begin a phrase are
        found by a set, in C, and only those are looked for in it."""
        table = self._tables.get(prefix)
        if table is None:
            table = self._tables[prefix] = _Written(self, prefix)
        terms = text.split()
        out = "".join(map(table.__getitem__, terms))
        pairs = table.pair_keys.intersection(pairwise(terms))
        if not pairs:
            return out
        spaced = f" {text} "
        found = []
        for pair in pairs:
            needle, phrases = table.pairs[pair]
            at = spaced.find(needle)
            while at >= 0:
                for order, (whole, served) in enumerate(phrases):
                    if whole is None or spaced.startswith(whole, at):
                        found.append((at, order, served))
                at = spaced.find(needle, at + len(pair[0]) + 1)
        return out + "".join(served for _at, _order, served in sorted(found))


class _Written(dict):
    """Term -> its concept terms as ``ConceptTerms.written`` writes them ("" for most
    terms), computed on first use; and the lexicon's phrases by their first two terms
    (``pairs``), as ``written`` looks for them."""

    LIMIT = 500_000

    def __init__(self, concepts: ConceptTerms, prefix: str):
        super().__init__()
        self.concepts, self.prefix = concepts, prefix
        #: A phrase's first two terms -> what the text is searched for (the two terms
        #: between spaces), and the phrases they begin, each as what the text must hold
        #: from there (None: the two terms are the phrase) and the concept terms it writes.
        self.pairs: dict[tuple[str, str], tuple[str, list[tuple[str | None, str]]]] = {
            (first, second): (
                f" {first} {second} ",
                [
                    (
                        None if len(phrase) == 2 else f" {' '.join(phrase)} ",
                        "".join(f"{prefix}{t} " for t in served),
                    )
                    for phrase, served in phrases
                ],
            )
            for first, seconds in concepts.by_phrase_start.items()
            for second, phrases in seconds.items()
        }
        self.pair_keys = frozenset(self.pairs)

    def __missing__(self, term: str) -> str:
        found = "".join(f"{self.prefix}{t} " for t in self.concepts.by_term.get(term, ()))
        if len(self) < self.LIMIT:
            self[term] = found
        return found


@lru_cache(maxsize=1)
def concept_terms() -> ConceptTerms:
    import hashlib

    by_term: dict[str, list[str]] = {}
    by_phrase: dict[tuple[str, ...], list[str]] = {}
    for term, variants in sorted(lexicon().items()):
        by_term.setdefault(term, []).append(term)
        for variant in variants:
            served = by_term.setdefault(variant[0], []) if len(variant) == 1 else None
            if served is None:
                served = by_phrase.setdefault(variant, [])
            if term not in served:
                served.append(term)
    starts: dict[str, dict[str, list]] = {}
    for phrase, served in sorted(by_phrase.items()):
        starts.setdefault(phrase[0], {}).setdefault(phrase[1], []).append((phrase, tuple(served)))
    text = (DATA_DIR / "lexicon.txt").read_bytes() + (DATA_DIR / "stem_overrides.txt").read_bytes()
    return ConceptTerms(
        by_term={t: tuple(s) for t, s in by_term.items()},
        by_phrase_start={
            first: {second: tuple(p) for second, p in seconds.items()}
            for first, seconds in starts.items()
        },
        fingerprint=hashlib.sha256(text).hexdigest()[:8],
    )
