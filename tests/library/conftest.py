import json
from pathlib import Path

import pytest

from labinov.core.system import SystemActor
from labinov.library import actions
from labinov.library.exchange import read_file

REAL = Path(__file__).resolve().parents[2] / "labinov" / "library" / "data" / "innovations.jsonl"


@pytest.fixture
def real_records():
    return [json.loads(line) for line in REAL.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def library(db):
    """The knowledge base holding the 288 real innovations shipped with the app."""
    with REAL.open("rb") as stream:
        rows = [row for _n, row in read_file(stream, REAL.name).rows]
    actions.import_entries(acting_user=SystemActor("test"), rows=rows)
    return rows


@pytest.fixture
def helper_processes(monkeypatch):
    """The processes of the analysis helpers (``labinov.library.helper``) started during
    the test, as they are started."""
    from labinov.library import helper

    started = []

    class Noted(helper._Helper):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            started.append(self.process)

    monkeypatch.setattr(helper, "_Helper", Noted)
    return started


def row(source_id, name="Layanan Uji", region="Kabupaten Uji Satu", **extra):
    return {"source_id": source_id, "name": name, "region": region, **extra}
