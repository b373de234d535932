"""The full-text index of the knowledge base, kept by the database itself in the same
transaction as every write (see labinov/library/search/index.py)."""

from django.db import migrations

from labinov.library.search.index import create_search_index, drop_search_index


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
