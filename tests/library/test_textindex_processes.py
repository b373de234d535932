"""Several `labinov` processes share the embedded search index and answer what the
database holds: one imports, another searches, a third changes an entry, a fourth finds
it as it now is; `labinov search-index --rebuild` writes it anew (SQLite or PostgreSQL,
as the suite)."""

import json
from pathlib import Path

import pytest

from tests.cli import run
from tests.library.processes import Database

#: More than topk.SMALL_CORPUS, so that searches ask the index.
GENERATED = 2_100


@pytest.fixture
def database(tmp_path, django_db_blocker):
    with django_db_blocker.unblock():
        db = Database(tmp_path, name="textindex")
    yield db
    db.drop()


def write(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
    return str(path)


def search(database, text):
    found = run("search", text, "--json", env=database.env)
    return [item["source_id"] for item in json.loads(found.stdout)]


def test_processes_share_the_index_and_see_each_others_writes(database, tmp_path):
    # Generated filler (it says so), and one entry to find.
    filler = [
        {
            "source_id": f"generated-{i:05d}",
            "name": f"Generated layanan umum {i}",
            "region": "Kabupaten Uji Satu",
            "problem": "Warga menunggu lama di kantor pelayanan.",
        }
        for i in range(GENERATED)
    ]
    target = {
        "source_id": "posyandu",
        "name": "Posyandu lansia keliling",
        "region": "Kabupaten Uji Satu",
        "problem": "Lansia sulit datang ke posyandu.",
    }
    run("import-library", write(tmp_path / "satu.jsonl", [*filler, target]), env=database.env)
    index = Path(database.env["LABINOV_DATA_DIR"]) / "search-index" / "CURRENT"
    assert index.read_text().startswith("v")  # the import wrote the index

    assert search(database, "posyandu lansia")[0] == "posyandu"

    changed = {**target, "name": "Kelas ibu hamil", "problem": "Ibu hamil jarang periksa."}
    run("import-library", write(tmp_path / "dua.jsonl", [changed]), env=database.env)
    assert search(database, "kelas ibu hamil")[0] == "posyandu"
    assert "posyandu" not in search(database, "lansia keliling")

    rebuilt = run("search-index", "--rebuild", env=database.env).stdout
    assert f"{GENERATED + 1} entries" in rebuilt
    assert search(database, "kelas ibu hamil")[0] == "posyandu"
