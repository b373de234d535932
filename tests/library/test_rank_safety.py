"""The search's top k is the engine's exact ranking, however common the query's words.

The corpus is crafted so that the old planner (rare concepts ranked within a budget, the
*first* matches of the common ones taken unranked) loses the best record: every record
holds the query's common words, and the best one was written last. The reference is
computed here by scoring every record with ``ranking.score``; the planner's limits are
lowered (a small corpus is otherwise ranked whole) so that the corpus stays small.
"""

import random

import pytest

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.models import LibraryEntry, LibraryStats
from labinov.library.search import engine, ranking
from tests.library.conftest import row

WORDS = ["warga", "pelayanan", "antrean", "kantor", "desa", "jalan", "sampah", "sekolah"]
FILLER = ["program", "kegiatan", "daerah", "petugas", "laporan", "masyarakat", "bantuan"]


@pytest.fixture
def crafted(db, monkeypatch):
    rng = random.Random(13)
    rows = []
    for i in range(240):
        words = ["warga", "pelayanan", *rng.choices(WORDS + FILLER, k=rng.randint(4, 30))]
        rng.shuffle(words)
        rows.append(
            row(
                f"filler-{i:03d}",
                name=" ".join(rng.choices(FILLER, k=3)),
                problem=" ".join(words),
                solution=" ".join(rng.choices([*FILLER, "warga"], k=rng.randint(3, 12))),
            )
        )
    rows.append(
        row(
            "the-best",
            name="Pelayanan warga kantor desa",
            problem="Warga menunggu pelayanan di kantor desa. Pelayanan warga lambat.",
            solution="Pelayanan warga di kantor desa.",
        )
    )
    actions.import_entries(acting_user=SystemActor("test"), rows=rows)
    # A "large" knowledge base for the planner, with budgets to match its size.
    monkeypatch.setattr(engine, "SMALL_CORPUS", 50)
    monkeypatch.setattr(engine, "POSTINGS_BUDGET", {"sqlite": 60, "postgresql": 60})
    monkeypatch.setattr(engine, "CANDIDATES", 20)
    return rows


def exhaustive(text: str, k: int) -> list[str]:
    """Score every entry with ``ranking.score``: the order the engine must reproduce."""
    stats = LibraryStats.current()
    query, _vocab = engine.parse_query(text, stats)
    lengths = tuple(
        x / stats.entries for x in (stats.name_length, stats.main_length, stats.rest_length)
    )
    scored = []
    for entry in LibraryEntry.objects.all():
        doc = ranking.Document(
            entry.pk,
            (entry.index_name.split(), entry.index_main.split(), entry.index_rest.split()),
        )
        value = ranking.score(query, doc, lengths)
        if value > 0:
            scored.append((-value, entry.pk, entry.source_id))
    return [source_id for _v, _pk, source_id in sorted(scored)[:k]]


@pytest.mark.parametrize(
    "text",
    [
        "warga pelayanan",
        "pelayanan warga di kantor desa",
        "antrean warga sampah jalan sekolah",
        "warga",
    ],
)
def test_top_k_equals_scoring_every_record(crafted, text):
    for limit, offset in ((10, 0), (5, 5), (1, 0)):
        found = engine.search(text, limit=limit, offset=offset, semantic=False, snippets=False)
        expected = exhaustive(text, offset + limit)[offset:]
        assert [h.entry.source_id for h in found.hits] == expected, (text, limit, offset)


def test_the_old_planner_would_have_lost_the_best_record(crafted):
    """The crafted corpus is a real trap: the bounded first fetch misses the best record,
    which the search still ranks first."""
    text = "pelayanan warga di kantor desa"
    query, vocab = engine.parse_query(text, LibraryStats.current())
    best = LibraryEntry.objects.get(source_id="the-best").pk
    assert best not in engine.candidate_ids(query, vocab, {})
    assert exhaustive(text, 1) == ["the-best"]
    found = engine.search(text, limit=10, semantic=False, snippets=False)
    assert found.hits[0].entry.source_id == "the-best"
