"""The text analysis's fast paths answer exactly what their plain definitions do: an import
analyses millions of texts with them, and a search its query."""

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from labinov.library.search import analysis
from tests.library.conftest import REAL

#: Characters where words begin and end: hyphens, spaces, punctuation, letters that
#: normalise to ASCII (é, İ, the Kelvin sign) and letters that do not (ø, ß, Cyrillic).
EDGES = "ab9Z- -\t\n.,/'\u2019\u2013\u2014\u00e9\u0130\u212a\u00f8\u00df\u0436_\x1c\x00"


def defined(text: str) -> list[str]:
    return analysis.TOKEN.findall(analysis.normalise(text))


def test_words_are_the_tokens_of_every_real_record():
    texts = [
        value
        for line in REAL.read_text(encoding="utf-8").splitlines()
        for value in json.loads(line).values()
        if isinstance(value, str)
    ]
    assert len(texts) > 1000
    for text in texts:
        assert analysis.words(text) == defined(text), text


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=EDGES, max_size=40) | st.text(max_size=40))
def test_words_are_the_tokens_of_any_text(text):
    assert analysis.words(text) == defined(text)


def test_hyphens_join_words_only_between_two_of_them():
    assert analysis.words("e-KTP, anak-anak -- a--b -x- y- -z c---d") == [
        "e-ktp",
        "anak-anak",
        "a",
        "b",
        "x",
        "y",
        "z",
        "c",
        "d",
    ]


def written_by_definition(text: str, prefix: str) -> str:
    """``ConceptTerms.written`` by its definition: each term's concept terms in order,
    then, at each term where a phrase of the lexicon begins, the phrase's."""
    concepts = analysis.concept_terms()
    terms = text.split()
    out = "".join(f"{prefix}{t} " for term in terms for t in concepts.by_term.get(term, ()))
    for i in range(len(terms) - 1):
        for phrase, served in concepts.by_phrase_start.get(terms[i], {}).get(terms[i + 1], ()):
            if tuple(terms[i : i + len(phrase)]) == phrase:
                out += "".join(f"{prefix}{t} " for t in served)
    return out


def lexicon_pieces() -> list[tuple[str, ...]]:
    """The lexicon's phrases, each also without its last term, and its terms with concepts,
    alone: texts made of them hold phrases next to each other, inside each other, cut
    short and repeated."""
    concepts = analysis.concept_terms()
    pieces = {(term,) for term in concepts.by_term}
    for seconds in concepts.by_phrase_start.values():
        for phrases in seconds.values():
            pieces.update(piece for phrase, _served in phrases for piece in (phrase, phrase[:-1]))
    return sorted(pieces)


def test_concept_terms_are_written_as_defined_for_every_real_record():
    from labinov.library.search import index

    texts = [
        text
        for line in REAL.read_text(encoding="utf-8").splitlines()
        for text in index.index_texts(json.loads(line))[:3]
    ]
    written = analysis.concept_terms().written
    assert sum(bool(written_by_definition(text, "c_")) for text in texts) > 200
    for text in texts:
        assert written(text, "c_") == written_by_definition(text, "c_"), text


PIECES = st.sampled_from([*lexicon_pieces(), ("lain",)])


@settings(max_examples=1000, deadline=None)
@given(st.lists(PIECES, max_size=12), st.sampled_from("cx"))
def test_concept_terms_are_written_as_defined_for_any_terms(pieces, letter):
    text = " ".join(term for piece in pieces for term in piece)
    assert analysis.concept_terms().written(text, f"{letter}_") == written_by_definition(
        text, f"{letter}_"
    )
