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


@settings(max_examples=3000, deadline=None)
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
