"""The knowledge-base import refuses decompression bombs and non-http(s) links, and its
exports never hold a live formula (issue 9, findings 5, 6 and 8)."""

import csv
import json
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.models import ImportRun, LibraryEntry
from tests.bombs import xlsx_bomb
from tests.cli import LABINOV, run
from tests.library.conftest import row

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """About 1 MB on disk, 640 MB of text once unpacked."""
    return xlsx_bomb(tmp_path_factory.mktemp("bom") / "bom.xlsx")


def test_an_xlsx_bomb_uploaded_is_refused_at_once_and_nothing_is_stored(
    client_for, people, settings, tmp_path, bomb
):
    settings.MEDIA_ROOT = tmp_path / "media"
    response = client_for(people["coordinator"]).post(
        "/pustaka/impor/", {"file": SimpleUploadedFile("bom.xlsx", bomb.read_bytes(), XLSX)}
    )
    assert response.status_code == 200
    assert "terlalu besar untuk dibaca dengan aman" in response.content.decode()
    assert not ImportRun.objects.exists()
    assert not (tmp_path / "media").exists() or not any((tmp_path / "media").rglob("*.xlsx"))


def test_an_xlsx_bomb_on_the_command_line_is_refused_in_bounded_memory(cli_env, bomb):
    """The peak memory of the `labinov import-library` process, measured by a parent of
    its own (so no other test's child counts), stays far below what unpacking takes."""
    run("migrate", "--noinput", env=cli_env, timeout=300)
    measure = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
        "print(done.returncode, peak, repr(done.stderr))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", measure, str(LABINOV), "import-library", str(bomb)],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    returncode, peak_kb, stderr = result.stdout.split(" ", 2)
    assert returncode != "0"
    assert "XLSX" in stderr and ("terurai" in stderr or "unpacks" in stderr)
    assert int(peak_kb) < 500 * 1024, f"peak RSS {int(peak_kb) // 1024} MB"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(document.cookie)",
        " JavaScript:alert(1)",
        "https://ok.example/a; javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//jahat.example/",
    ],
)
def test_a_non_http_url_is_a_bad_row_with_a_clear_reason(tmp_path, url):
    path = tmp_path / "tautan.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(
            [("source_id", "name", "region", "url"), ("t-1", "Layanan", "Kota Uji", url)]
        )
    with pytest.raises(CommandError) as exc:
        call_command("import_library", str(path), "--json", stdout=(out := _Out()))
    problems = json.loads(out.text)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(2, "url")]
    assert "http://" in problems[0]["reason"]
    assert "nothing was imported" in str(exc.value) or "tidak ada" in str(exc.value)
    assert not LibraryEntry.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "bad_row"),
    [
        (
            "nul.csv",
            b'source_id,name,region\nn-1,Layanan,Kota Uji\nn-2,"Pasar\x00 rakyat",Kota Uji\n',
            3,
        ),
        (
            "nul.jsonl",
            b'{"source_id": "n-1", "name": "Layanan", "region": "Kota Uji"}\n'
            b'{"source_id": "n-2", "name": "Pasar\\u0000 rakyat", "region": "Kota Uji"}\n',
            2,
        ),
    ],
)
def test_a_nul_character_is_a_bad_row_with_a_clear_reason(tmp_path, name, content, bad_row):
    """PostgreSQL's text holds no NUL: the import stopped with psycopg's DataError mid-write."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError):
        call_command("import_library", str(path), "--json", stdout=(out := _Out()))
    problems = json.loads(out.text)["problems"]
    assert [(p["row"], p["column"]) for p in problems] == [(bad_row, "name")]
    assert "NUL" in problems[0]["reason"]
    assert not LibraryEntry.objects.exists()
    call_command("import_library", str(path), "--skip-invalid", stdout=_Out())
    assert list(LibraryEntry.objects.values_list("source_id", flat=True)) == ["n-1"]


def test_a_javascript_url_through_the_browser_is_rejected(
    client_for, people, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.MEDIA_ROOT = tmp_path
    content = b"source_id,name,region,url\nj-1,Layanan,Kota Uji,javascript:alert(1)\n"
    with django_capture_on_commit_callbacks(execute=True):
        client_for(people["coordinator"]).post(
            "/pustaka/impor/", {"file": SimpleUploadedFile("t.csv", content, "text/csv")}
        )
    run_ = ImportRun.objects.get()
    assert run_.status == ImportRun.Status.REJECTED
    assert run_.problems[0]["column"] == "url"
    assert "bukan tautan" in run_.problems[0]["reason"]
    assert not LibraryEntry.objects.exists()


def test_a_stored_javascript_url_is_shown_as_text_and_an_http_one_as_a_link(client):
    """Entries imported before links were checked may hold one."""
    actions.import_entries(
        acting_user=SystemActor("uji"),
        rows=[row("lama-1", url="javascript:alert(1); https://sumber.example/inovasi")],
    )
    entry = LibraryEntry.objects.get()
    page = client.get(entry.get_absolute_url()).content.decode()
    assert 'href="https://sumber.example/inovasi"' in page
    assert "javascript:alert(1)" in page
    assert 'href="javascript:' not in page


DANGEROUS = ["=1+1", "+62 812", "-5", "@SUM(A1)", '=HYPERLINK("http://x","y")', "'=quoted"]


def _import_dangerous():
    actions.import_entries(
        acting_user=SystemActor("uji"),
        rows=[
            row(f"f-{n}", name=text, agency=text, year=2021, digital=True)
            for n, text in enumerate(DANGEROUS)
        ],
    )


def test_the_csv_export_neutralises_formulas_and_imports_back_the_same(tmp_path):
    _import_dangerous()
    path = tmp_path / "ekspor.csv"
    call_command("export_library", str(path), stdout=_Out())
    with path.open(encoding="utf-8", newline="") as handle:
        records = {r["source_id"]: r for r in csv.DictReader(handle)}
    for n, text in enumerate(DANGEROUS):
        assert records[f"f-{n}"]["name"] == "'" + text
        assert records[f"f-{n}"]["year"] == "2021"
    _back_again(path)


def test_the_xlsx_export_writes_text_cells_never_formulas_and_imports_back(tmp_path):
    _import_dangerous()
    path = tmp_path / "ekspor.xlsx"
    call_command("export_library", str(path), stdout=_Out())
    sheet = load_workbook(path).active
    header = [c.value for c in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        by_column = dict(zip(header, cells, strict=True))
        name = by_column["name"]
        assert name.data_type == "s" and name.value.startswith("'")
        assert by_column["year"].value == 2021 and by_column["year"].data_type == "n"
    _back_again(path)


def _back_again(path):
    LibraryEntry.objects.all().delete()
    call_command("import_library", str(path), stdout=_Out(), stderr=_Out())
    for n, text in enumerate(DANGEROUS):
        entry = LibraryEntry.objects.get(source_id=f"f-{n}")
        assert (entry.name, entry.agency, entry.year) == (text, text, 2021)


class _Out:
    def __init__(self):
        self.text = ""

    def write(self, text):
        self.text += text

    def flush(self):
        pass
