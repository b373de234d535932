import csv
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from labinov.core.models import AuditEvent
from labinov.library.exchange import COLUMNS
from labinov.library.models import LibraryEntry

pytestmark = pytest.mark.django_db


def write_csv(path, rows, header=("source_id", "name", "region", "year", "form", "digital")):
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def run(*args):
    """Run `labinov import-library` and answer (exit ok?, stdout + stderr)."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("import_library", *map(str, args), stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue() + err.getvalue() + str(exc)
    return True, out.getvalue() + err.getvalue()


def test_a_good_csv_is_imported(tmp_path):
    path = write_csv(
        tmp_path / "baik.csv",
        [
            [
                "uji-1",
                "Antrean Daring Puskesmas",
                "Kabupaten Uji",
                "2021",
                "pelayanan_publik",
                "true",
            ],
            ["uji-2", "Akta Lahir Cepat", "Kota Uji", "", "", "false"],
        ],
    )
    ok, output = run(path)
    assert ok, output
    first = LibraryEntry.objects.get(source_id="uji-1")
    assert (first.year, first.form, first.digital) == (2021, "pelayanan_publik", True)
    assert LibraryEntry.objects.get(source_id="uji-2").year is None
    assert "2 ditambahkan" in output or "2 added" in output


def test_a_bad_file_imports_nothing_and_reports_every_bad_row(tmp_path):
    path = write_csv(
        tmp_path / "buruk.csv",
        [
            ["uji-1", "Baik", "Kabupaten Uji", "2020", "", ""],
            ["uji-2", "", "Kabupaten Uji", "2020", "", ""],
            ["uji-3", "Tahun Salah", "Kabupaten Uji", "dua ribu", "", ""],
            ["uji-4", "Bentuk Salah", "Kabupaten Uji", "", "inovasi", "mungkin"],
        ],
    )
    ok, output = run(path)
    assert not ok
    assert LibraryEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(action="library.import").exists()
    for expected in ("3", "name", "4", "year", "5", "form", "digital"):
        assert expected in output
    assert "baris 3" in output
    assert "tidak ada yang diimpor" in output


def test_skip_invalid_imports_the_valid_rows_and_still_reports(tmp_path):
    path = write_csv(
        tmp_path / "campur.csv",
        [
            ["uji-1", "Baik", "Kabupaten Uji", "", "", ""],
            ["uji-2", "", "Kabupaten Uji", "", "", ""],
        ],
    )
    ok, output = run(path, "--skip-invalid")
    assert ok
    assert list(LibraryEntry.objects.values_list("source_id", flat=True)) == ["uji-1"]
    assert "baris 3" in output


def test_json_output_lists_the_problems(tmp_path):
    path = write_csv(
        tmp_path / "b.csv", [["uji-1", "Baik", ""]], header=("source_id", "name", "region")
    )
    from io import StringIO

    out = StringIO()
    with pytest.raises(CommandError):
        call_command("import_library", str(path), "--json", stdout=out, stderr=StringIO())
    body = json.loads(out.getvalue())
    assert body["imported"] is False
    assert body["problems"] == [
        {"row": 2, "column": "region", "reason": body["problems"][0]["reason"]}
    ]


def test_a_missing_required_column_is_named(tmp_path):
    path = write_csv(tmp_path / "k.csv", [["uji-1", "Baik"]], header=("source_id", "name"))
    ok, output = run(path)
    assert not ok and "region" in output
    assert LibraryEntry.objects.count() == 0


def test_reimport_updates_and_never_duplicates(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["uji-1", "Nama Lama", "Kabupaten Uji", "", "", ""]])
    assert run(path)[0]
    write_csv(path, [["uji-1", "Nama Baru", "Kabupaten Uji", "", "", ""]])
    assert run(path)[0]
    assert list(LibraryEntry.objects.values_list("name", flat=True)) == ["Nama Baru"]
    assert AuditEvent.objects.filter(action="library.import").count() == 2


def test_jsonl_and_xlsx_round_trip(tmp_path, real_records):
    jsonl = tmp_path / "nyata.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in real_records[:20]), encoding="utf-8"
    )
    assert run(jsonl)[0]
    assert LibraryEntry.objects.count() == 20
    xlsx = tmp_path / "ekspor.xlsx"
    call_command("export_library", str(xlsx), stdout=__import__("io").StringIO())
    ok, output = run(xlsx, "--json")
    assert ok, output
    assert json.loads(output)["updated"] == 20
    assert LibraryEntry.objects.count() == 20
    original = real_records[0]
    entry = LibraryEntry.objects.get(source_id=original["source_id"])
    assert (entry.name, entry.digital, entry.year) == (
        original["name"],
        original["digital"],
        original["year"],
    )


def test_xlsx_rows_are_numbered_as_the_spreadsheet_shows(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    sheet.append(["x-1", "Baik", "Kabupaten Uji"] + [None] * (len(COLUMNS) - 3))
    sheet.append(
        ["x-2", "Tahun Buruk", "Kabupaten Uji", None, "20x1"] + [None] * (len(COLUMNS) - 5)
    )
    path = tmp_path / "berkas.xlsx"
    book.save(path)
    ok, output = run(path)
    assert not ok
    assert "baris 3" in output and "year" in output


def test_an_unknown_file_type_is_refused(tmp_path):
    path = tmp_path / "data.txt"
    path.write_text("source_id,name,region\n", encoding="utf-8")
    ok, output = run(path)
    assert not ok and ".csv" in output


def test_a_file_of_many_batches_is_imported_whole(tmp_path, monkeypatch):
    from labinov.library import actions

    monkeypatch.setattr(actions, "BATCH", 2)
    rows = [[f"uji-{i}", f"Layanan {i}", "Kabupaten Uji", "", "", ""] for i in range(5)]
    ok, output = run(write_csv(tmp_path / "besar.csv", rows))
    assert ok, output
    assert LibraryEntry.objects.count() == 5
    assert AuditEvent.objects.filter(action="library.import").count() == 1


def test_a_bad_row_after_written_batches_still_imports_nothing(tmp_path, monkeypatch):
    # The file is read once and written batch by batch: a bad row near the end undoes the
    # batches already written, and every bad row, before or after, is reported.
    from labinov.library import actions

    monkeypatch.setattr(actions, "BATCH", 2)
    rows = [[f"uji-{i}", f"Layanan {i}", "Kabupaten Uji", "", "", ""] for i in range(6)]
    rows[4][3] = "kemarin"
    rows[5][5] = "mungkin"
    ok, output = run(write_csv(tmp_path / "akhir.csv", rows))
    assert not ok
    assert "baris 6" in output and "baris 7" in output
    assert LibraryEntry.objects.count() == 0
    assert not AuditEvent.objects.filter(action="library.import").exists()


def test_a_file_that_stops_being_utf8_midway_imports_nothing(tmp_path, monkeypatch):
    from labinov.library import actions

    monkeypatch.setattr(actions, "BATCH", 100)
    # More than the text reader's first chunk, so that batches are written before the
    # reader meets the bad byte.
    rows = [[f"uji-{i}", f"Layanan {i}", "Kabupaten Uji", "", "", ""] for i in range(2000)]
    path = write_csv(tmp_path / "campur.csv", rows)
    with path.open("ab") as out:
        out.write("uji-9,Pelayanan Kependudukan,Kabupaten Uji,,,\n".encode("latin-1"))
        out.write("uji-10,Pe\xf1a,Kabupaten Uji,,,\n".encode("latin-1"))
    ok, output = run(path)
    assert not ok and "UTF-8" in output
    assert LibraryEntry.objects.count() == 0


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_file_of_many_batches_is_analysed_in_a_helper_process_as_here(
    tmp_path, monkeypatch, real_records, helper_processes
):
    # From staging.HELPER_FROM batches, the rows are analysed in a second process while
    # the batches before them are written: what it stores is what this process's
    # analysis gives.
    from labinov.library import actions
    from labinov.library.search import index

    monkeypatch.setattr(actions, "BATCH", 2)
    records = real_records[:12]
    ok, output = run(write_jsonl(tmp_path / "nyata.jsonl", records))
    assert ok, output
    assert len(helper_processes) == 1  # it ran,
    assert helper_processes[0].returncode is not None  # and is gone
    stored = {
        e.source_id: (e.index_name, e.index_main, e.index_rest) for e in LibraryEntry.objects.all()
    }
    assert stored == {r["source_id"]: index.index_texts(r)[:3] for r in records}


# A helper that answers the first batch, then stops as a killed one would.
ONE_BATCH_THEN_STOP = """
import marshal, sys
from labinov.library import helper, staging
source, sink = sys.stdin.buffer, sys.stdout.buffer
job, args = marshal.loads(helper._read_message(source))
where = marshal.loads(helper._read_message(source))
helper._write_message(sink, marshal.dumps((True, staging.analyse_staged(where, *args))))
sink.flush()
sys.exit(9)
"""


def test_a_helper_process_that_stops_midway_leaves_nothing_imported(
    tmp_path, monkeypatch, real_records
):
    import sys

    from labinov.library import actions, helper
    from labinov.library.models import ImportUndo, ImportWriting

    monkeypatch.setattr(actions, "BATCH", 2)
    monkeypatch.setattr(helper, "_command", lambda: [sys.executable, "-c", ONE_BATCH_THEN_STOP])
    ok, output = run(write_jsonl(tmp_path / "nyata.jsonl", real_records[:12]))
    assert not ok
    assert "kode keluar 9" in output and "tidak ada yang diimpor" in output
    # The first batch was written, then undone.
    assert LibraryEntry.objects.count() == 0
    assert not ImportUndo.objects.exists() and not ImportWriting.objects.exists()
    assert not AuditEvent.objects.filter(action="library.import").exists()


def test_a_helper_that_stops_during_the_search_index_sync_leaves_the_import_in(
    tmp_path, monkeypatch, real_records
):
    """When the import could not index its entries as it wrote them (another process held
    the embedded index's writer), the CLI gives them to the index after the import; if the
    helper computing their concept terms stops then, the entries stay imported, the
    command says so in Indonesian and ends well, and the sync is left to the worker."""
    import contextlib
    import sys

    from labinov.library import actions, helper
    from labinov.library.models import LibraryStats
    from labinov.library.search import feed, textindex

    @contextlib.contextmanager
    def while_another_process_writes_the_index(columns):
        with textindex._write_lock(wait=True), feed.feeding(columns) as fed:
            assert fed is None
            yield fed

    monkeypatch.setattr(actions, "feeding", while_another_process_writes_the_index)
    monkeypatch.setattr(textindex, "HELPER_FROM", 1)  # the sync's concept terms apart
    monkeypatch.setattr(helper, "_command", lambda: [sys.executable, "-c", "raise SystemExit(7)"])
    ok, output = run(write_jsonl(tmp_path / "nyata.jsonl", real_records[:12]))
    assert ok, output
    assert "kode keluar 7" in output and "labinov search-index" in output
    assert "Traceback" not in output
    assert LibraryEntry.objects.count() == 12
    assert AuditEvent.objects.filter(action="library.import").count() == 1
    # This first sync was a rebuild: cut short, it leaves no index in use (searches ask
    # the database's own), and the next sync, the worker's, writes it whole.
    assert LibraryStats.current().search_index == ""
    monkeypatch.undo()
    assert textindex.sync() == 12
    assert LibraryStats.current().search_index != ""
