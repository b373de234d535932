"""How an import writes fast without writing anything else: a batch of rows taken for new
(``bulk.upsert_entries(new=True)``) is copied straight into the table on PostgreSQL, and
one that someone else created in the meantime must be updated, never duplicated nor make
the batch fail; the import's one-pass analysis stores what the analysis gives."""

import json
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.utils import timezone

from labinov.core.system import SystemActor
from labinov.library import actions, bulk
from labinov.library.exchange import COLUMNS
from labinov.library.models import LibraryEntry, SearchChange
from labinov.library.search import index

pytestmark = pytest.mark.django_db


def values(source_id: str, name: str) -> tuple:
    row = dict.fromkeys(COLUMNS, "")
    row.update(source_id=source_id, name=name, region="Kota Bandung", year=None, digital=None)
    name_text, main_text, rest_text, _written = index.index_texts(row)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    return (
        LibraryEntry.Source.IMPORTED,
        *(row[c] for c in COLUMNS),
        name_text,
        main_text,
        rest_text,
        now,
        now,
        0,
    )


def test_rows_taken_for_new_are_inserted():
    with transaction.atomic():
        bulk.upsert_entries(
            [values("baru-1", "Layanan antrean daring"), values("baru-2", "Posyandu")],
            new=True,
        )
    entry = LibraryEntry.objects.get(source_id="baru-1")
    assert entry.name == "Layanan antrean daring"
    assert entry.index_name == "layan antre daring"
    assert LibraryEntry.objects.count() == 2
    # The copy is noted for the embedded search index like any insert (statement trigger).
    noted = set(SearchChange.objects.values_list("entry_id", flat=True))
    assert noted == set(LibraryEntry.objects.values_list("pk", flat=True))


def test_a_row_created_meanwhile_is_updated_not_duplicated():
    actions.import_entries(
        acting_user=SystemActor("test"),
        rows=[{"source_id": "ada-1", "name": "Nama lama", "region": "Kota Bandung"}],
    )
    with transaction.atomic():
        bulk.upsert_entries(
            [values("ada-1", "Nama baru"), values("baru-3", "Posyandu keliling")], new=True
        )
    assert LibraryEntry.objects.get(source_id="ada-1").name == "Nama baru"
    assert LibraryEntry.objects.filter(source_id="ada-1").count() == 1
    assert LibraryEntry.objects.get(source_id="baru-3").name == "Posyandu keliling"


def test_an_import_stores_the_index_texts_of_the_analysis():
    """The import's one-pass analysis (``index_texts``) gives the terms of ``analyse``,
    joined by single spaces, for every real record (stop words, hyphenated words and
    reduplications included)."""
    path = Path(index.__file__).resolve().parent.parent / "data" / "innovations.jsonl"
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    records.append({"name": "Kampung-kampung e-KTP dan yang rawat-jalan", "problem": "—"})
    for record in records:
        analysed = index.analyse(record)
        assert index.index_texts(record) == (
            " ".join(analysed.name),
            " ".join(analysed.main),
            " ".join(analysed.rest),
            analysed.written,
        )
