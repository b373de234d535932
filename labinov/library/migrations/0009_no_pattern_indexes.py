"""PostgreSQL: drop the ``varchar_pattern_ops`` twins of the region, province and sector
indexes, which Django adds to every indexed CharField for ``LIKE 'x%'`` lookups. The
knowledge base filters and counts those fields by equality only (``filtersets``), which
the plain indexes serve, while each twin cost every import its upkeep: 0.56 s of 7.2 s of
the server's work copying 100,000 entries (docs/benchmarks.md). The fields keep
``db_index=True``; Django drops a ``_like`` index with ``IF EXISTS`` should a field change.
"""

from django.db import migrations

COLUMNS = ("region", "province", "sector")
TABLE = "library_libraryentry"


def _like_index_names(schema_editor) -> list[str]:
    return [
        schema_editor._create_index_name(TABLE, [column], suffix="_like") for column in COLUMNS
    ]


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in _like_index_names(schema_editor):
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def create_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column, name in zip(COLUMNS, _like_index_names(schema_editor), strict=True):
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(name)} "
            f"ON {TABLE} ({schema_editor.quote_name(column)} varchar_pattern_ops)"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0008_search_changes"),
    ]

    operations = [
        migrations.RunPython(drop_pattern_indexes, create_pattern_indexes),
    ]
