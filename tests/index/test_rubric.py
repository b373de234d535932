"""Rubric versions: validated whole, refused whole, frozen once used; a new version
changes the scores with no change of code."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from labinov.core.models import AuditEvent
from labinov.index.models import Rubric
from labinov.index.rubric import validate

pytestmark = pytest.mark.django_db


def load(path, *extra):
    out, err = StringIO(), StringIO()
    try:
        call_command("load_rubric", str(path), *extra, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue() + err.getvalue() + str(exc)
    return True, out.getvalue() + err.getvalue()


def test_the_shipped_versions_are_valid_and_loaded_on_migrate(shipped):
    for data in shipped.values():
        assert validate(data) == []
    loaded = {r.version: r for r in Rubric.objects.all()}
    assert {"IID-2023", "IID-2026"} <= set(loaded)
    assert "README" in loaded["IID-2026"].provenance or "rubric" in loaded["IID-2026"].provenance
    assert loaded["IID-2026"].data["sources"]  # provenance of every part is kept


def malformed(doc):
    bad = doc("IID-2026")
    bad["rubric_id"] = "IID-RUSAK"
    bad["indicators"][0]["scoring_rows"][0]["weight"] = -1
    del bad["indicators"][16]["evidence"]
    bad["indicators"][17]["levels"][1]["score"] = 99
    bad["formula"]["divisor_floor"] = 0
    bad["categories"][1]["min"] = 41.5
    bad["count_score"]["rule"]["max_score"] = 80
    return bad


def test_a_malformed_version_lists_every_error(doc):
    errors = validate(malformed(doc))
    text = "\n".join(errors)
    for expected in (
        "indicators[0] (SPD-01-VISI_MISI).scoring_rows[0]: weight must be a positive number",
        "indicators[16] (SID-17-SDM): evidence.bukti_dukung",
        "indicators[17] (SID-18-ANGGARAN).levels[1]: score 99 is not weight x value",
        "formula.divisor_floor",
        "categories: a gap between Kurang Inovatif and Inovatif",
        "count_score.rule.max_score: is not per_innovation x cap_innovations",
    ):
        assert expected in text, expected
    assert len(errors) >= 6


def test_the_cli_refuses_a_malformed_file_whole_and_changes_nothing(doc, tmp_path):
    path = tmp_path / "rusak.json"
    path.write_text(json.dumps(malformed(doc)), encoding="utf-8")
    before = list(Rubric.objects.values_list("version", "sha256"))
    events = AuditEvent.objects.count()
    ok, out = load(path)
    assert not ok
    assert "nothing was loaded" in out
    assert "evidence.bukti_dukung" in out and "divisor_floor" in out
    assert list(Rubric.objects.values_list("version", "sha256")) == before
    assert AuditEvent.objects.count() == events
    ok, out = load(path, "--json")
    answer = json.loads(out.splitlines()[0])
    assert answer["ok"] is False and len(answer["errors"]) >= 6


def test_not_json_is_refused(tmp_path):
    path = tmp_path / "bukan.json"
    path.write_text("{ bukan json", encoding="utf-8")
    ok, out = load(path)
    assert not ok and "bukan JSON yang sah" in out


def third_version(doc):
    """IID-2026 as a later juknis might change it: floor 4, regulation weighs 4."""
    data = doc("IID-2026")
    data["rubric_id"] = "IID-UJI-2027"
    data["formula"]["divisor_floor"] = 4
    data["formula"]["divisor_floor_schedule"] = {}
    regulation = next(i for i in data["indicators"] if i["code"] == "SID-16-REGULASI")
    regulation["weight"] = 4
    regulation["max_score"] = 12
    for level in regulation["levels"]:
        level["score"] = 4 * level["value"]
    next(a for a in data["aspects"] if a["code"] == "SID")["max_score"] += 3
    data["formula"]["max_total"] += 3
    return data


def test_a_third_version_changes_the_scores_with_no_code_change(doc, tmp_path, innovation):
    from labinov.core.system import SystemActor
    from labinov.index import actions
    from labinov.index.selectors import region_index
    from labinov.innovations.models import Innovation
    from tests.innovations.conftest import DESIGN

    # Eligible in the 2026 edition: implemented within its window, a design of 300+ words.
    Innovation.objects.filter(pk=innovation.pk).update(
        implementation_date=datetime.date(2025, 3, 1), **DESIGN
    )
    region = innovation.region
    system = SystemActor("test")
    assessment = actions.start_assessment(
        acting_user=system, region=region, year=2026, rubric=Rubric.objects.get(version="IID-2023")
    )
    actions.set_answer(
        acting_user=system,
        assessment=assessment,
        innovation=innovation,
        item_key="SID-16-REGULASI",
        level=3,
        evidence_link="https://example.org/perda.pdf",
    )
    # IID-2023: 9 / max(10, 1) = 0.9; count 0.38 -> 1.28 / 250 x 100 = 0.512
    assert region_index(region, 2026)["index"] == 0.51
    path = tmp_path / "uji.json"
    path.write_text(json.dumps(third_version(doc)), encoding="utf-8")
    ok, out = load(path)
    assert ok, out
    result = region_index(region, 2026, "IID-UJI-2027")
    # 12 / max(4, 1) = 3; the basic-services gate fails (no affairs): count 0 -> 3 / 253
    assert result["rubric"] == "IID-UJI-2027"
    assert result["divisor"] == 4
    assert result["total"] == pytest.approx(3.0)
    assert result["index"] == round(3 / 253 * 100, 2)


def test_a_used_version_can_no_longer_change(doc, tmp_path, region):
    from labinov.core.system import SystemActor
    from labinov.index import actions

    path = tmp_path / "uji.json"
    path.write_text(json.dumps(third_version(doc)), encoding="utf-8")
    assert load(path)[0]
    assert "unchanged" in load(path)[1]  # the same content again: nothing to do
    changed = third_version(doc)
    changed["formula"]["divisor_floor"] = 5
    path.write_text(json.dumps(changed), encoding="utf-8")
    ok, out = load(path)
    assert ok and "replaced" in out  # not used yet: a correction replaces it
    rubric = Rubric.objects.get(version="IID-UJI-2027")
    actions.start_assessment(acting_user=SystemActor("t"), region=region, year=2027, rubric=rubric)
    changed["formula"]["divisor_floor"] = 6
    path.write_text(json.dumps(changed), encoding="utf-8")
    ok, out = load(path)
    assert not ok and "tidak dapat diubah lagi" in out
    assert Rubric.objects.get(version="IID-UJI-2027").data["formula"]["divisor_floor"] == 5
