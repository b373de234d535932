"""How an entry is indexed, and the database structures that index it.

The analysed terms are stored on the entry itself (three text columns). The database then
indexes those columns *inside the same transaction as the write*, so every web process and
every machine sees the index exactly as committed, with nothing to rebuild or synchronise:

- SQLite: an external-content FTS5 table ``library_fts`` kept by triggers on the entry table;
- PostgreSQL: a ``tsvector`` column ``search_vector`` (weights A, B, C for the three
  fields) with a GIN index. An import gives it with each row (``search_vector``); for any
  other write a trigger computes it (migration 0011).
"""

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from labinov.library.search import analysis


def rest_text(row: dict) -> str:
    sector = (row.get("sector") or "").replace("_", " ")
    return " ".join(
        [
            row.get("agency") or "",
            sector,
            row.get("impact") or "",
            row.get("region") or "",
            row.get("province") or "",
        ]
    )


@dataclass(frozen=True, slots=True)
class Analysed:
    """A record's terms in its three weighted fields, and the words as written in its name,
    problem and solution (the known words of spelling correction)."""

    name: list[str]
    main: list[str]
    rest: list[str]
    written: list[str]


def analyse(row: dict) -> Analysed:
    """The index terms of one record; each text is tokenised once."""
    name = analysis.words(row.get("name") or "")
    main = analysis.words(f"{row.get('problem') or ''} {row.get('solution') or ''}")
    return Analysed(
        analysis.terms_of_words(name),
        analysis.terms_of_words(main),
        analysis.terms(rest_text(row)),
        name + main,
    )


def index_texts(row: dict) -> tuple[str, str, str, list[str]]:
    """What an import stores of one record: its three index texts (the terms of
    ``analyse`` joined by spaces) and the words as written in its name, problem and
    solution. The same analysis as ``analyse``, without building the term lists."""
    name = analysis.words(row.get("name") or "")
    main = analysis.words(f"{row.get('problem') or ''} {row.get('solution') or ''}")
    return (
        analysis.index_text(name),
        analysis.index_text(main),
        analysis.index_text(analysis.words(rest_text(row))),
        name + main,
    )


def term_count(text: str) -> int:
    """Terms in an index text (single spaces between them), without splitting it."""
    return text.count(" ") + 1 if text else 0


#: ``analysed_rows``' answer: (entries, written, term_rows, lengths, vectors, concepts).
AnalysedBatch = tuple[
    list[tuple[str, tuple]],
    set[str],
    dict[str, int],
    tuple[int, int, int],
    list | None,
    list | None,
]


def analysed_rows(
    rows: Iterable[tuple], columns: Sequence[str], vectors: bool = False, concepts: str = ""
) -> AnalysedBatch:
    """A batch of an import analysed, as plain values (``staging`` may run this in a
    helper process):

    - ``entries``: each row (the values of ``columns``, its source_id first) as
      ``(source_id, values + its three index texts)``; a source_id given twice once (the
      last wins);
    - ``written``: the words as written in the batch (``index_texts``);
    - ``term_rows`` and ``lengths``: the entries per term and the terms of the three
      fields, as if every entry were new (``actions._write_batch`` takes those already in
      the knowledge base back out): counted here, beside the writing, rather than by
      the process that writes;
    - ``vectors``: with ``vectors`` (PostgreSQL), each entry's ``search_vector``, else
      None;
    - ``concepts``: with a ``concepts`` prefix (the embedded index's, ``textindex``),
      each entry's concept terms (``concepts_of``), for the import to index the entries
      in the embedded index as it writes them; else None."""
    entries, written = {}, set()
    for values in rows:
        name, main, rest, words = index_texts(dict(zip(columns, values, strict=True)))
        entries[values[0]] = (values[0], (*values, name, main, rest))
        written.update(words)
    term_rows: Counter = Counter()
    lengths = [0, 0, 0]
    for _source_id, (*_values, name, main, rest) in entries.values():
        term_rows.update(set(f"{name} {main} {rest}".split()))
        lengths[0] += term_count(name)
        lengths[1] += term_count(main)
        lengths[2] += term_count(rest)
    found = None
    if vectors:
        found = [search_vector(*row[-3:]) for _source_id, row in entries.values()]
    their_concepts = None
    if concepts:
        their_concepts = [concepts_of(row[-3:], concepts) for _source_id, row in entries.values()]
    return (
        list(entries.values()),
        written,
        dict(term_rows),
        tuple(lengths),
        found,
        their_concepts,
    )


#: PostgreSQL's largest position in a ``tsvector``; past it ``to_tsvector`` gives every
#: later term that position.
MAX_POSITION = 16_383
#: The most positions ``to_tsvector`` keeps of one term.
MAX_POSITIONS = 255
#: What ``search_vector`` leaves to the database: a character PostgreSQL's parser might
#: split or drop (an index term is letters a-z and digits), or a term longer than it keeps.
_NOT_PLAIN = re.compile(r"[^0-9a-z ]|[0-9a-z]{2048}")


#: A weight's two bits in a position of a ``tsvector`` (``WordEntryPos``): A, B and C.
_WEIGHTS = (3, 2, 1)


@cache
def _positions() -> tuple[list[str], list[str], list[str]]:
    """Each position as ``search_vector`` writes it, for each field's weight: its 16 bits
    (the weight's two above the position's fourteen), big-endian, as two characters of
    Latin-1 (one per byte)."""
    return tuple(
        [chr(weight << 6 | p >> 8) + chr(p & 0xFF) for p in range(MAX_POSITION + 1)]
        for weight in _WEIGHTS
    )


#: Each count of positions of a term, as ``search_vector`` writes it (16 bits, big-endian).
_COUNTS = [chr(n >> 8) + chr(n & 0xFF) for n in range(MAX_POSITIONS + 1)]


def search_vector(name: str, main: str, rest: str) -> bytes | None:
    """An entry's PostgreSQL ``search_vector`` in the binary form of ``COPY … (FORMAT
    BINARY)`` (PostgreSQL's ``tsvectorsend``: the number of terms in 32 bits, then each
    term, a NUL byte, its number of positions in 16 bits and each position in 16: the
    weight in the top two bits). It is what the database computes from the three index
    texts (``setweight(to_tsvector('simple', index_name), 'A') || … 'B' || … 'C'``,
    migration 0011): each term at its positions, the three texts one after the other.

    Given with an import's rows, so that the server reads a vector instead of parsing the
    texts again (100,000 rows copied: 5.4 s with the parsing, 3.9 s with the vectors as
    text), and in binary rather than as text (``'term':1A,9B``), which the server parses
    too (100,000 salad rows copied: 4.3 s as text, 3.3 s in binary; docs/benchmarks.md).
    Terms and positions are written as Latin-1 characters, one per byte (a term is a-z
    and 0-9), and encoded once.

    None where it might not be exactly that (a character other than a-z, 0-9 and the
    space, more than ``MAX_POSITION`` terms, a term given more than ``MAX_POSITIONS``
    times): the database then computes it (the trigger of migration 0011)."""
    if (
        name.count(" ") + main.count(" ") + rest.count(" ") + 3 > MAX_POSITION
        or _NOT_PLAIN.search(name)
        or _NOT_PLAIN.search(main)
        or _NOT_PLAIN.search(rest)
    ):
        return None
    where: dict[str, str] = {}  # term -> its positions, two characters each
    seen = where.get
    start = 1
    for text, positions in zip((name, main, rest), _positions(), strict=True):
        terms = text.split()
        for term, position in zip(terms, positions[start : start + len(terms)], strict=True):
            found = seen(term)
            where[term] = position if found is None else found + position
        start += len(terms)
    if start > MAX_POSITIONS + 1 and any(
        len(found) > 2 * MAX_POSITIONS for found in where.values()
    ):
        return None
    counts = _COUNTS
    written = "".join(
        [f"{term}\0{counts[len(found) >> 1]}{found}" for term, found in where.items()]
    )
    return len(where).to_bytes(4, "big") + written.encode("latin-1")


def concepts_of(texts: Sequence[str], prefix: str) -> tuple[str, ...]:
    """The concept terms of each of an entry's index texts: ``prefix + t`` for every
    occurrence of a term or phrase that satisfies the concept of a query term ``t`` with
    lexicon variants (``analysis.concept_terms``)."""
    written = analysis.concept_terms().written
    return tuple(written(text, prefix) for text in texts)


def document_text(texts: Sequence[str], concepts: Sequence[str], repeat: Sequence[int]) -> str:
    """The one text the embedded index holds of an entry: each of its three index texts
    followed by its concept terms (``concepts_of``), repeated ``repeat`` times for its
    field's weight."""
    name, main, rest = (f"{t} {c}" if c else t for t, c in zip(texts, concepts, strict=True))
    return " ".join([name] * repeat[0] + [main] * repeat[1] + [rest] * repeat[2])


def filter_text(value) -> str:
    """A filter value as the embedded index holds it (and is asked for it): text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def document_texts(
    rows: list[tuple], prefix: str, repeat: Sequence[int]
) -> list[tuple[int | str, ...]]:
    """The embedded index's documents of ``rows`` (an entry's id, its three index texts,
    then its filter values): each as (id, the one text the index holds of it
    (``document_text``), its filter values as text). Pure: a helper's job (see
    ``helper``), so that the process writing the index only hands the documents to it."""
    out = []
    for pk, name, main, rest, *values in rows:
        texts = (name, main, rest)
        text = document_text(texts, concepts_of(texts, prefix), repeat)
        out.append((pk, text, *[v if type(v) is str else filter_text(v) for v in values]))
    return out


def index_fields(row: dict) -> tuple[list[str], list[str], list[str]]:
    """The three weighted fields' terms: name; problem and solution; the rest."""
    analysed = analyse(row)
    return analysed.name, analysed.main, analysed.rest


def surface_words(written: Iterable[str]) -> dict[str, str]:
    """Words as written, with their stems, for spelling correction: words of 4 to 100
    letters that are not stop words nor hyphenated nor numbers (a number is never
    corrected, nor a correction: a record number in every name of 1,000,000 records made
    a million known words, which every searching process loaded)."""
    out = {}
    for word in written:
        if 4 <= len(word) <= 100 and "-" not in word and not word.isdigit():
            found = analysis.word_terms(word)
            if found:
                out[word] = found[0]
    return out


SQLITE_INSERT_TRIGGER = """CREATE TRIGGER library_fts_insert AFTER INSERT ON library_libraryentry
    BEGIN
        INSERT INTO library_fts(rowid, index_name, index_main, index_rest)
        VALUES (new.id, new.index_name, new.index_main, new.index_rest);
    END"""
SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE library_fts USING fts5(
        index_name, index_main, index_rest,
        content='library_libraryentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail='column')""",
    SQLITE_INSERT_TRIGGER,
    """CREATE TRIGGER library_fts_delete AFTER DELETE ON library_libraryentry BEGIN
        INSERT INTO library_fts(library_fts, rowid, index_name, index_main, index_rest)
        VALUES ('delete', old.id, old.index_name, old.index_main, old.index_rest);
    END""",
    """CREATE TRIGGER library_fts_update AFTER UPDATE OF index_name, index_main, index_rest
        ON library_libraryentry BEGIN
        INSERT INTO library_fts(library_fts, rowid, index_name, index_main, index_rest)
        VALUES ('delete', old.id, old.index_name, old.index_main, old.index_rest);
        INSERT INTO library_fts(rowid, index_name, index_main, index_rest)
        VALUES (new.id, new.index_name, new.index_main, new.index_rest);
    END""",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS library_fts_update",
    "DROP TRIGGER IF EXISTS library_fts_delete",
    "DROP TRIGGER IF EXISTS library_fts_insert",
    "DROP TABLE IF EXISTS library_fts",
]
#: The column as migration 0002 made it (generated; since migration 0011 a trigger
#: computes it where a writer gives none).
POSTGRES_SCHEMA = [
    """ALTER TABLE library_libraryentry ADD COLUMN search_vector tsvector
        GENERATED ALWAYS AS (
            setweight(to_tsvector('simple'::regconfig, index_name), 'A')
            || setweight(to_tsvector('simple'::regconfig, index_main), 'B')
            || setweight(to_tsvector('simple'::regconfig, index_rest), 'C')
        ) STORED""",
    "CREATE INDEX library_entry_search ON library_libraryentry USING gin (search_vector)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS library_entry_search",
    "ALTER TABLE library_libraryentry DROP COLUMN IF EXISTS search_vector",
]


def create_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    statements = {"sqlite": SQLITE_SCHEMA, "postgresql": POSTGRES_SCHEMA}.get(vendor, [])
    for sql in statements:
        schema_editor.execute(sql)
    if vendor == "sqlite":
        schema_editor.execute("INSERT INTO library_fts(library_fts) VALUES ('rebuild')")


def drop_search_index(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(vendor, []):
        schema_editor.execute(sql)


class BulkIndexing:
    """Index the rows of a bulk import a batch at a time instead of a row at a time.

    SQLite: the insert trigger hands FTS5 one row per statement, and FTS5 writes its pending
    terms out at every statement, a segment a row; one ``INSERT … SELECT`` per batch costs
    about a seventh (measured: bench/speed.py, docs/benchmarks.md). So for the length of
    the import the insert trigger is dropped and the new rows of each batch are indexed in
    one statement. This happens inside the import's transaction: SQLite's DDL is
    transactional and the transaction holds the database's write lock, so no other
    connection ever sees the table without its trigger, and a failed import restores it
    with everything else. Updated rows keep going through the update trigger.

    PostgreSQL computes the ``tsvector`` with each row: nothing to do.

    Use inside ``transaction.atomic()``::

        with BulkIndexing(connection) as indexing:
            indexing.before_batch()
            ...insert the batch...
            indexing.after_batch()
    """

    def __init__(self, connection):
        self.connection = connection
        self.active = connection.vendor == "sqlite"
        self.last_id = 0

    def __enter__(self) -> "BulkIndexing":
        if self.active:
            with self.connection.cursor() as cursor:
                cursor.execute("DROP TRIGGER library_fts_insert")
        return self

    def before_batch(self) -> None:
        if self.active:
            with self.connection.cursor() as cursor:
                cursor.execute("SELECT COALESCE(MAX(id), 0) FROM library_libraryentry")
                self.last_id = cursor.fetchone()[0]

    def after_batch(self) -> None:
        """Index the rows inserted since ``before_batch`` (ids are AUTOINCREMENT: new
        rows have larger ones; updated rows keep theirs)."""
        if self.active:
            with self.connection.cursor() as cursor:
                cursor.execute(
                    "INSERT INTO library_fts(rowid, index_name, index_main, index_rest) "
                    "SELECT id, index_name, index_main, index_rest FROM library_libraryentry "
                    "WHERE id > %s",
                    [self.last_id],
                )

    def __exit__(self, exc_type, exc, traceback) -> None:
        # On failure, or when the import is to be rolled back, the rollback restores it.
        if self.active and exc_type is None and not self.connection.needs_rollback:
            with self.connection.cursor() as cursor:
                cursor.execute(SQLITE_INSERT_TRIGGER)


# Every write to an entry is noted for the embedded search index (search/textindex.py),
# in the writing transaction, whatever wrote it. PostgreSQL notes a statement's rows at
# once (transition tables): an import's batch is one statement.
CHANGE_SQLITE = [
    f"""CREATE TRIGGER library_change_{event.lower()} AFTER {event} ON library_libraryentry
        BEGIN INSERT INTO library_searchchange(entry_id) VALUES ({row}.id); END"""
    for event, row in (("INSERT", "new"), ("UPDATE", "new"), ("DELETE", "old"))
]
CHANGE_POSTGRES = [
    """CREATE FUNCTION library_note_new_rows() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN INSERT INTO library_searchchange(entry_id) SELECT id FROM changed_rows;
        RETURN NULL; END $$""",
    *(
        f"""CREATE TRIGGER library_change_{event.lower()} AFTER {event} ON library_libraryentry
            REFERENCING {table} TABLE AS changed_rows FOR EACH STATEMENT
            EXECUTE FUNCTION library_note_new_rows()"""
        for event, table in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD"))
    ),
]


def create_change_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in {"sqlite": CHANGE_SQLITE, "postgresql": CHANGE_POSTGRES}.get(vendor, []):
        schema_editor.execute(sql)


def drop_change_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    suffix = " ON library_libraryentry" if vendor == "postgresql" else ""
    for event in ("insert", "update", "delete"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS library_change_{event}{suffix}")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS library_note_new_rows()")
