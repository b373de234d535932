"""`labinov backup` and `labinov restore`, through the CLI on throwaway SQLite databases."""

import json
import sqlite3

import pytest

from tests.cli import run


@pytest.fixture
def source_env(cli_env):
    run("migrate", "--noinput", env=cli_env, timeout=300)
    run("demo", env=cli_env)
    return cli_env


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
    assert result.returncode != 0 and "not a Labinov backup" in result.stderr
    assert count(source_env, "regions_unit") == units
