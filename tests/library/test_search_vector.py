"""PostgreSQL's ``search_vector``: an import gives it with each row (``index.search_vector``),
every other write has the database compute it (migration 0011); either way it is what
the database computes from the entry's index texts."""

import pytest
from django.db import connection

from labinov.core.system import SystemActor
from labinov.library import actions, bulk
from labinov.library.models import LibraryEntry
from labinov.library.search import index

pytestmark = pytest.mark.django_db

COMPUTED = """setweight(to_tsvector('simple'::regconfig, {0}), 'A')
    || setweight(to_tsvector('simple'::regconfig, {1}), 'B')
    || setweight(to_tsvector('simple'::regconfig, {2}), 'C')"""
ACTOR = SystemActor("test")


@pytest.fixture(autouse=True)
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only: SQLite indexes the entries with FTS5, which has no vector")


def computed(texts: tuple[str, str, str]) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT ({COMPUTED.format('%s', '%s', '%s')})::text", list(texts))
        return cursor.fetchone()[0]


def given(texts: tuple[str, str, str]) -> str:
    """The vector the import gives, as the database reads it (a binary ``COPY``, as the
    import's rows go in) and then writes it as text."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        raw.execute("CREATE TEMPORARY TABLE IF NOT EXISTS given_vector (v tsvector)")
        raw.execute("TRUNCATE given_vector")
        raw.adapters.register_dumper(None, bulk._VectorDumper)
        with raw.copy("COPY given_vector FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["tsvector"])
            copy.write_row([index.search_vector(*texts)])
        raw.execute("SELECT v::text FROM given_vector")
        return raw.fetchone()[0]


def many(n: int) -> str:
    """``n`` terms, none twice."""
    return " ".join(f"k{i}" for i in range(n))


def differing() -> int:
    """Entries whose stored vector is not what the database computes from their texts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM library_libraryentry WHERE search_vector IS DISTINCT FROM "
            f"({COMPUTED.format('index_name', 'index_main', 'index_rest')})"
        )
        return cursor.fetchone()[0]


def test_the_vector_given_is_the_one_the_database_computes(real_records):
    texts = [index.index_texts(record)[:3] for record in real_records]
    texts += [
        ("", "", ""),
        ("", "pasar", ""),
        ("pasar", "", "pasar"),
        ("007 1e5 0x1f a1b2 2024an", "12345678901234567890 " * 3, "x"),
        ("a " * 255, "b", "c"),  # a term as often as the database keeps it in a field
        ("nama", many(16_381), "akhir"),  # positions up to the last the database has
    ]
    for one in texts:
        assert index.search_vector(*one) is not None
        assert given(one) == computed(one), one


def test_a_vector_that_might_differ_is_left_to_the_database():
    for one in [
        ("nama", many(16_382), "akhir"),  # past the last position
        ("a " * 256, "", ""),  # a term more often than the database keeps
        ("sekolah-rakyat", "", ""),  # a character its parser splits at
        ("", "café", ""),
        ("x" * 2048, "", ""),  # a word longer than the database keeps
    ]:
        assert index.search_vector(*one) is None


def test_every_write_leaves_the_vector_the_database_computes(monkeypatch, real_records):
    monkeypatch.setattr(actions, "BATCH", 50)
    # An import gives the vectors (new rows are copied, others upserted); one row's
    # problem repeats a word more often than a vector keeps: the database computes that one.
    rows = [dict(r, source_id=f"r-{i}") for i, r in enumerate(real_records[:120])]
    rows[7]["problem"] = "antrean " * 300
    actions.import_entries(acting_user=ACTOR, rows=rows)
    assert differing() == 0
    actions.import_entries(
        acting_user=ACTOR, rows=[dict(r, name=f"{r['name']} baru") for r in rows[40:90]]
    )
    assert differing() == 0
    # One entry written by a form or the API, an update by the ORM, SQL by hand.
    actions.upsert_entry(acting_user=ACTOR, source_id="satu", name="Pasar rakyat", region="X")
    LibraryEntry.objects.filter(source_id="r-3").update(index_main="banjir rob")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE library_libraryentry SET index_rest = 'pasar', search_vector = NULL "
            "WHERE source_id = 'r-4'"
        )
        cursor.execute(
            "SELECT source_id FROM library_libraryentry "
            "WHERE search_vector @@ to_tsquery('simple', 'banjir & rob') ORDER BY source_id"
        )
        assert [sid for (sid,) in cursor.fetchall()] == ["r-3"]
    assert differing() == 0
