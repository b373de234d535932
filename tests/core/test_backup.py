"""`labinov backup` and `labinov restore`, through the CLI on throwaway SQLite databases."""

import json
import os
import shutil
import sqlite3
import struct
import zipfile

import pytest

from tests.cli import run


@pytest.fixture(scope="module")
def source_env(tmp_path_factory):
    """One migrated demo installation for the module (the tests only read it, or leave
    it unchanged)."""
    folder = tmp_path_factory.mktemp("source")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'source.sqlite3'}",
        "LABINOV_DATA_DIR": str(folder / "data"),
        "SECRET_KEY": "backup-test-" + "x" * 40,
    }
    run("migrate", "--noinput", env=env, timeout=300)
    run("demo", env=env)
    return env


def count(env, table):
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_backup_restores_into_a_fresh_installation(source_env, tmp_path):
    backup = tmp_path / "cadangan.zip"
    result = json.loads(run("backup", str(backup), "--json", env=source_env).stdout)
    assert result["objects"] > 86
    target = {**source_env, "DATABASE_URL": f"sqlite:///{tmp_path / 'target.sqlite3'}"}
    out = json.loads(run("restore", str(backup), "--yes", "--json", env=target).stdout)
    assert out["objects"] == result["objects"]
    for table in ("regions_unit", "accounts_user", "accounts_roleassignment"):
        assert count(target, table) == count(source_env, table)
    # Every event is kept, and the restore itself is one more.
    assert count(target, "core_auditevent") == count(source_env, "core_auditevent") + 1


def test_restore_asks_for_confirmation(source_env, tmp_path):
    backup = tmp_path / "cadangan.zip"
    run("backup", str(backup), env=source_env)
    result = run("restore", str(backup), env=source_env, check=False)
    assert result.returncode != 0 and "--yes" in result.stderr


def test_a_file_that_is_no_backup_changes_nothing(source_env, tmp_path):
    bogus = tmp_path / "bukan.zip"
    bogus.write_text("bukan cadangan")
    units = count(source_env, "regions_unit")
    result = run("restore", str(bogus), "--yes", env=source_env, check=False)
    assert result.returncode != 0 and "bukan cadangan Labinov" in result.stderr
    assert "Traceback" not in result.stderr
    assert count(source_env, "regions_unit") == units


@pytest.fixture(scope="module")
def good_backup(source_env, tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "cadangan.zip"
    run("backup", str(path), env=source_env)
    return path


def rebuild(source, target, *, parts=None, stored=()):
    """Copy the archive ``source`` to ``target``, with ``parts`` replacing (bytes) or
    leaving out (None) some of its parts, and the parts ``stored`` left uncompressed."""
    parts = parts or {}
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for name in old.namelist():
            content = parts.get(name, old.read(name))
            if content is not None:
                kind = zipfile.ZIP_STORED if name in stored else zipfile.ZIP_DEFLATED
                new.writestr(name, content, compress_type=kind)
    return target


def flip_a_byte_of(path, part):
    """Damage one byte inside the stored (uncompressed) ``part``, as a bad disk would."""
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo(part)
    raw = bytearray(path.read_bytes())
    header = info.header_offset
    name_length, extra_length = struct.unpack("<HH", raw[header + 26 : header + 30])
    raw[header + 30 + name_length + extra_length + info.file_size // 2] ^= 0x20
    path.write_bytes(bytes(raw))


def _damaged(kind, good, folder):
    target = folder / f"{kind}.zip"
    with zipfile.ZipFile(good) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        media = [n for n in archive.namelist() if n.startswith("media/")]
    if kind == "truncated":
        target.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    elif kind == "checksum":
        rebuild(good, target, stored={"data.json"})
        flip_a_byte_of(target, "data.json")
    elif kind == "bad_json":
        rebuild(good, target, parts={"data.json": b'[{"model": "regions.unit", "pk": 1,'})
    elif kind == "bad_manifest":
        rebuild(good, target, parts={"manifest.json": b"{format: 1"})
    elif kind == "no_data":
        rebuild(good, target, parts={"data.json": None})
    elif kind == "missing_file":
        rebuild(good, target, parts={media[0]: None})
    elif kind == "records_missing":
        manifest["objects"] += 7
        rebuild(good, target, parts={"manifest.json": json.dumps(manifest).encode()})
    return target


DAMAGE = {
    "truncated": "bukan cadangan Labinov, atau berkasnya rusak",
    "checksum": "tidak cocok dengan checksum-nya",
    "bad_json": "bukan JSON yang sah",
    "bad_manifest": "bukan JSON yang sah",
    "no_data": "tidak ada data.json",
    "missing_file": "ada berkas yang hilang",
    "records_missing": "tidak lengkap atau rusak",
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_backup_is_refused_with_a_clear_message(kind, source_env, good_backup, tmp_path):
    damaged = _damaged(kind, good_backup, tmp_path)
    before = {t: count(source_env, t) for t in ("regions_unit", "core_auditevent")}
    result = run("restore", str(damaged), "--yes", "--json", env=source_env, check=False)
    assert result.returncode != 0
    assert DAMAGE[kind] in result.stderr and damaged.name in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert {t: count(source_env, t) for t in before} == before


def test_a_failure_while_placing_the_files_leaves_the_installation_as_it_was(
    source_env, good_backup, tmp_path
):
    """The database is loaded, then a file of the backup cannot be written (a folder
    stands in its place): the restore rolls the database back and takes its files out."""
    target = {
        **source_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'target.sqlite3'}",
        "LABINOV_DATA_DIR": str(tmp_path / "data"),
    }
    run("migrate", "--noinput", env=target, timeout=300)
    with zipfile.ZipFile(good_backup) as archive:
        files = sorted(n.removeprefix("media/") for n in archive.namelist() if "media/" in n)
    media = tmp_path / "data" / "media"
    obstacle = media / files[-1]
    obstacle.mkdir(parents=True)
    (obstacle / "milik-orang-lain.txt").write_text("jangan dihapus")
    before = {t: count(target, t) for t in ("regions_unit", "core_auditevent", "accounts_user")}

    result = run("restore", str(good_backup), "--yes", env=target, check=False)
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "Berkas unggahan tidak dapat ditempatkan" in result.stderr
    assert "Tidak ada yang diubah" in result.stderr
    assert {t: count(target, t) for t in before} == before
    left = sorted(p.relative_to(media).as_posix() for p in media.rglob("*") if p.is_file())
    assert left == [f"{files[-1]}/milik-orang-lain.txt"]

    shutil.rmtree(obstacle)  # once the folder is out of the way, the same backup restores
    run("restore", str(good_backup), "--yes", env=target)
    assert count(target, "regions_unit") == count(source_env, "regions_unit")


def test_a_file_gone_from_the_storage_is_named_and_the_backup_still_completes(source_env, tmp_path):
    """A row names a file that is no longer stored (deleted while the backup ran, or by
    hand): the backup says which, and holds everything else."""
    copy = {
        **source_env,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'copy.sqlite3'}",
        "LABINOV_DATA_DIR": str(tmp_path / "data"),
    }
    source_db = source_env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(source_db) as src, sqlite3.connect(tmp_path / "copy.sqlite3") as dst:
        src.backup(dst)
    shutil.copytree(os.path.join(source_env["LABINOV_DATA_DIR"], "media"), tmp_path / "data/media")
    with sqlite3.connect(tmp_path / "copy.sqlite3") as db:
        gone = db.execute("SELECT image FROM innovations_photo ORDER BY id").fetchone()[0]
    (tmp_path / "data/media" / gone).unlink()

    backup = tmp_path / "cadangan.zip"
    result = run("backup", str(backup), "--json", env=copy)
    assert json.loads(result.stdout)["missing_files"] == [gone]
    assert "Peringatan" in result.stderr and gone in result.stderr
    with zipfile.ZipFile(backup) as archive:
        manifest = json.loads(archive.read("manifest.json"))
        assert f"media/{gone}" not in archive.namelist()
    assert manifest["missing_files"] == [gone] and gone not in manifest["media"]
    assert len(manifest["media"]) == manifest["media_files"] > 0
