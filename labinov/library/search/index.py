"""How an entry is indexed, and the database structures that index it.

The analysed terms are stored on the entry itself (three text columns). The database then
indexes those columns *inside the same transaction as the write*, so every web process and
every machine sees the index exactly as committed, with nothing to rebuild or synchronise:

- SQLite: an external-content FTS5 table ``library_fts`` kept by triggers on the entry table;
- PostgreSQL: a stored generated ``tsvector`` column ``search_vector`` (weights A, B, C for
  the three fields) with a GIN index.
"""

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


def index_fields(row: dict) -> tuple[list[str], list[str], list[str]]:
    """The three weighted fields' terms: name; problem and solution; the rest."""
    return (
        analysis.terms(row.get("name") or ""),
        analysis.terms(f"{row.get('problem') or ''} {row.get('solution') or ''}"),
        analysis.terms(rest_text(row)),
    )


def surface_words(row: dict, into: dict[str, str]) -> None:
    """Add the words as written in the record, with their stems, to ``into`` (for
    spelling correction)."""
    for column in ("name", "problem", "solution"):
        for word in set(analysis.words(row.get(column) or "")):
            if word not in into and 4 <= len(word) <= 100 and "-" not in word:
                found = analysis.word_terms(word)
                if found:
                    into[word] = found[0]


SQLITE_SCHEMA = [
    """CREATE VIRTUAL TABLE library_fts USING fts5(
        index_name, index_main, index_rest,
        content='library_libraryentry', content_rowid='id',
        tokenize='unicode61 remove_diacritics 0', detail='column')""",
    """CREATE TRIGGER library_fts_insert AFTER INSERT ON library_libraryentry BEGIN
        INSERT INTO library_fts(rowid, index_name, index_main, index_rest)
        VALUES (new.id, new.index_name, new.index_main, new.index_rest);
    END""",
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
