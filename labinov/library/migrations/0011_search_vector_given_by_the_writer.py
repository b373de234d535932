"""PostgreSQL: ``search_vector`` stops being a generated column, so that an import can give
each row's vector with it (``index.search_vector``) instead of the server parsing the
three index texts again (the parsing was half of the server's work copying 100,000
entries, docs/benchmarks.md). For every other write (the forms, the API, a restore, SQL
by hand) a trigger computes it exactly as the generated column did: on insert when none
is given, on an update of the index texts unless a new one is given.

Dropping the expression keeps every row's vector and the GIN index as they are.
"""

from django.db import migrations

from labinov.library.search.index import POSTGRES_SCHEMA

TABLE = "library_libraryentry"
VECTOR = """setweight(to_tsvector('simple'::regconfig, NEW.index_name), 'A')
        || setweight(to_tsvector('simple'::regconfig, NEW.index_main), 'B')
        || setweight(to_tsvector('simple'::regconfig, NEW.index_rest), 'C')"""
FORWARD = [
    f"ALTER TABLE {TABLE} ALTER COLUMN search_vector DROP EXPRESSION",
    f"""CREATE FUNCTION library_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN NEW.search_vector := {VECTOR}; RETURN NEW; END $$""",
    f"""CREATE TRIGGER library_search_vector_insert BEFORE INSERT ON {TABLE}
        FOR EACH ROW WHEN (NEW.search_vector IS NULL)
        EXECUTE FUNCTION library_search_vector()""",
    f"""CREATE TRIGGER library_search_vector_update
        BEFORE UPDATE OF index_name, index_main, index_rest, search_vector ON {TABLE}
        FOR EACH ROW WHEN (
            NEW.search_vector IS NULL OR NEW.search_vector IS NOT DISTINCT FROM OLD.search_vector
        )
        EXECUTE FUNCTION library_search_vector()""",
]
BACKWARD = [
    f"DROP TRIGGER IF EXISTS library_search_vector_update ON {TABLE}",
    f"DROP TRIGGER IF EXISTS library_search_vector_insert ON {TABLE}",
    "DROP FUNCTION IF EXISTS library_search_vector()",
    "DROP INDEX IF EXISTS library_entry_search",
    f"ALTER TABLE {TABLE} DROP COLUMN search_vector",
    *POSTGRES_SCHEMA,  # the generated column again, and its index
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0010_undo_created_per_batch"),
    ]

    operations = [migrations.RunPython(forward, backward)]
