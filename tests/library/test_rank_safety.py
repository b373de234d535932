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
from labinov.library.search import engine, ranking, topk
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
    monkeypatch.setattr(topk, "SMALL_CORPUS", 50)
    monkeypatch.setattr(topk, "POSTINGS_BUDGET", {"sqlite": 60, "postgresql": 60})
    monkeypatch.setattr(topk, "CANDIDATES", 20)
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
        value = ranking.score(query, _document(entry), lengths)
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
    assert best not in topk.candidate_ids(query, vocab, {})
    assert exhaustive(text, 1) == ["the-best"]
    found = engine.search(text, limit=10, semantic=False, snippets=False)
    assert found.hits[0].entry.source_id == "the-best"


def test_a_capped_search_is_bounded_and_says_it_is_not_proven_exact(crafted, settings):
    """Past ``LABINOV_SEARCH_MAX_CANDIDATES`` the last fetch reads only the database's
    best matches: the search stays bounded, still answers, and says it is not exact."""
    text = "antrean warga sampah jalan sekolah"
    settings.LIBRARY_SEARCH_MAX_CANDIDATES = 10_000
    full = engine.search(text, limit=10, semantic=False, snippets=False)
    assert full.exact
    assert [h.entry.source_id for h in full.hits] == exhaustive(text, 10)

    settings.LIBRARY_SEARCH_MAX_CANDIDATES = 3
    stats = LibraryStats.current()
    query, vocab = engine.parse_query(text, stats)
    lengths = tuple(
        x / stats.entries for x in (stats.name_length, stats.main_length, stats.rest_length)
    )
    found = topk.top_matches(query, vocab, {}, 10, lengths)
    assert not found.exact
    # The first fetch, the θ-raising fetches and at most cap + 1 more: not every match.
    assert found.examined < LibraryEntry.objects.count()
    capped = engine.search(text, limit=10, semantic=False, snippets=False)
    assert not capped.exact and capped.capped
    assert len(capped.hits) == 10


def test_the_capped_fetch_keeps_the_database_best_matches(crafted, settings):
    """The capped fetch is ordered by the database's own ranking, not by storage order:
    the record that holds every query word many times, written last, is among the few
    records read."""
    stats = LibraryStats.current()
    query, vocab = engine.parse_query("pelayanan warga kantor desa", stats)
    groups = topk._bounded_groups(query, vocab)
    expression = topk._render(("or", list(range(len(groups)))), groups)
    best = LibraryEntry.objects.get(source_id="the-best").pk
    everything = [r[0] for r in topk._fetch_terms(expression, {})]
    assert everything.index(best) > 5  # stored last: not among the first rows unordered
    assert best in [r[0] for r in topk._fetch_terms(expression, {}, limit=5)]


def test_scoring_many_records_at_once_gives_each_ones_own_score(library):
    """The engine scores its candidates together (``score_many``); each score must be the
    float ``score`` gives that record alone, or the order (and its ties) would drift."""
    stats = LibraryStats.current()
    lengths = tuple(
        x / stats.entries for x in (stats.name_length, stats.main_length, stats.rest_length)
    )
    entries = list(LibraryEntry.objects.order_by("pk"))
    fields = [(e.index_name, e.index_main, e.index_rest) for e in entries]
    queries = [
        "antrean pasien menumpuk di loket pendaftaran puskesmas",
        "kk",  # a lexicon phrase's short form: alternatives of several terms
        "pelayanan pelayanan warga",
        "stuntng balita",  # a spelling correction
        "kencing manis lansia",
    ]
    compared = 0
    for text in queries:
        query, _vocab = engine.parse_query(text, stats)
        many = ranking.score_many(query, fields, lengths)
        one = [ranking.score(query, _document(e), lengths) for e in entries]
        assert many == one, text
        compared += sum(1 for value in one if value > 0)
    assert compared > 100  # the queries do match records: the comparison is not of zeros


def _document(entry):
    return ranking.Document(
        entry.pk, (entry.index_name.split(), entry.index_main.split(), entry.index_rest.split())
    )
