"""The score engine against examples computed by hand (weights and bands as the shipped
rubric files give them; the arithmetic is written out beside each figure)."""

import pytest

from labinov.index import engine
from labinov.index.engine import InnovationInput


def inn(n, answers=None, affairs="", reasons=()):
    return InnovationInput(
        id=n, name=f"Inovasi {n}", answers=answers or {}, affairs=affairs, reasons=list(reasons)
    )


def test_fewer_innovations_than_the_floor_are_divided_by_the_floor(models):
    m = models["IID-2023"]
    region = {
        "SPD-01-VISI_MISI.1": (3, True),  # weight 1 x 3 = 3
        "SPD-06-INVESTASI.6": (2, True),  # weight 1.5 x 2 = 3
        "SPD-08-OPINI_BPK.8": (3, False),  # no evidence: 0
    }
    innovations = [
        inn(1, {"SID-16-REGULASI": (3, True), "SID-35-KUALITAS_VIDEO": (2, True)}),  # 9 + 8 = 17
        inn(2, {"SID-31-REPLIKASI": (1, True)}),  # 3
        inn(3, {"SID-33-KEMANFAATAN": (3, False)}),  # no evidence: 0
        inn(4),
    ]
    result = engine.score(m, region, innovations, 2023)
    # SPD 6; SID (17 + 3) / max(10, 4) = 2.0, plus the count 0.38 x 4 = 1.52 -> 3.52
    assert result["divisor"] == 10
    assert result["aspects"][0] == {
        "code": "SPD",
        "name": "Satuan Pemerintah Daerah",
        "score": 6.0,
        "max": 63.0,
    }
    assert result["aspects"][1]["score"] == pytest.approx(3.52)
    assert result["count_score"] == pytest.approx(1.52)
    # (6 + 3.52) / 250 x 100 = 3.808 -> 3.81
    assert result["total"] == pytest.approx(9.52)
    assert result["index"] == 3.81
    assert result["category"] == "Kurang Inovatif"
    assert [i["score"] for i in result["innovations"]] == [17.0, 3.0, 0.0, 0.0]


def test_more_innovations_than_the_floor_are_divided_by_their_number(models):
    m = models["IID-2023"]
    innovations = [inn(n, {"SID-16-REGULASI": (3, True)}) for n in range(12)]
    result = engine.score(m, {}, innovations, 2023)
    # 12 x 9 / max(10, 12) = 9; count 0.38 x 12 = 4.56; (9 + 4.56) / 250 x 100 = 5.424
    assert result["divisor"] == 12
    assert result["total"] == pytest.approx(13.56)
    assert result["index"] == 5.42


def test_the_count_score_is_capped(models):
    m = models["IID-2023"]
    result = engine.score(m, {}, [inn(n) for n in range(250)], 2023)
    # min(250, 200) x 0.38 = 76 -> 76 / 250 x 100 = 30.4
    assert result["count_score"] == pytest.approx(76)
    assert result["index"] == 30.4


def test_2026_divisor_floor_and_the_gate_of_basic_services(models):
    m = models["IID-2026"]
    four = ["Pendidikan", "Kesehatan", "Sosial", "Pekerjaan Umum dan Penataan Ruang"]
    innovations = [inn(n, {"SID-17-SDM": (3, True)}, affairs=four[n % 4]) for n in range(6)]
    result = engine.score(m, {}, innovations, 2026)
    # 6 x 6 / max(12, 6) = 3; only 4 of the 6 basic-service affairs (5 needed): count 0
    assert result["divisor"] == 12
    assert result["count_score"] == 0
    assert result["total"] == pytest.approx(3.0)
    five = [*four, "perumahan rakyat dan kawasan permukiman"]  # case does not matter
    innovations = [inn(n, {"SID-17-SDM": (3, True)}, affairs=five[n % 5]) for n in range(6)]
    result = engine.score(m, {}, innovations, 2026)
    # 3 + 0.38 x 6 = 5.28 -> 5.28 / 250 x 100 = 2.112
    assert result["count_score"] == pytest.approx(2.28)
    assert result["index"] == 2.11
    # 2027 has its own floor in the schedule (14): 36 / 14 + 2.28
    assert engine.score(m, {}, innovations, 2027)["divisor"] == 14


def test_ineligible_innovations_do_not_count(models):
    m = models["IID-2026"]
    innovations = [
        inn(1, {"SID-16-REGULASI": (3, True)}),
        inn(2, {"SID-16-REGULASI": (3, True)}, reasons=["too old"]),
    ]
    result = engine.score(m, {}, innovations, 2026)
    assert result["eligible"] == 1
    assert result["ineligible"] == [{"id": 2, "name": "Inovasi 2", "reasons": ["too old"]}]
    assert result["total"] == pytest.approx(9 / 12)


def test_nothing_answered_cannot_be_assessed(models):
    for m in models.values():
        result = engine.score(m, {}, [], 2026)
        assert result["index"] == 0
        assert result["category"] == "Tidak Dapat Dinilai"


BOUNDARIES = {
    "IID-2023": [
        (0, "Tidak Dapat Dinilai"),
        (0.01, "Kurang Inovatif"),
        (34.99, "Kurang Inovatif"),
        (35.0, "Inovatif"),
        (60.0, "Inovatif"),
        (60.01, "Sangat Inovatif"),
        (100, "Sangat Inovatif"),
    ],
    "IID-2026": [
        (0, "Tidak Dapat Dinilai"),
        (0.01, "Kurang Inovatif"),
        (40.0, "Kurang Inovatif"),
        (40.01, "Inovatif"),
        (65.0, "Inovatif"),
        (65.01, "Sangat Inovatif"),
        (100, "Sangat Inovatif"),
    ],
}


@pytest.mark.parametrize("version", sorted(BOUNDARIES))
def test_every_category_boundary(models, version):
    for value, name in BOUNDARIES[version]:
        assert engine.category(models[version], value) == name, (version, value)


def test_the_index_is_rounded_half_up_before_banding(models):
    # 87.4875 / 250 x 100 = 34.995 -> 35.00, "Inovatif" in 2023
    assert engine.round_index(34.995) == 35.0
    assert engine.round_index(34.994999) == 34.99
    m = models["IID-2023"]
    assert engine.category(m, engine.round_index(34.995)) == "Inovatif"


def test_what_is_missing_is_ranked_by_index_points(models):
    m = models["IID-2023"]
    region = {"SPD-12-PENGHARGAAN_INOVATOR.12": (2, False)}
    innovations = [inn(1, {"SID-35-KUALITAS_VIDEO": (3, True)})]
    found = engine.missing(m, region, innovations, 2023)
    first = found[0]
    # SPD 12: weight 2, from 0 (no evidence) to 3: 6 points = 2.4 index points;
    # evidence alone gives 2 x 2 = 4 points = 1.6 index points
    assert (first["key"], first["points"], first["evidence_points"]) == (
        "SPD-12-PENGHARGAAN_INOVATOR.12",
        2.4,
        1.6,
    )
    # An innovation's SID 16 (weight 3): 9 points / max(10, 1) = 0.9 -> 0.36 index points
    sid16 = next(f for f in found if f["key"] == "SID-16-REGULASI")
    assert sid16["points"] == pytest.approx(0.36)
    # The video at its top level with evidence is not missing.
    assert not [f for f in found if f["key"] == "SID-35-KUALITAS_VIDEO"]
    assert [f["points"] for f in found] == sorted((f["points"] for f in found), reverse=True)


def test_what_if_adds_the_points_it_promised(models):
    m = models["IID-2023"]
    region = {"SPD-12-PENGHARGAAN_INOVATOR.12": (2, False)}
    innovations = [inn(1)]
    before = engine.score(m, region, innovations, 2023)
    chosen = [(None, "SPD-12-PENGHARGAAN_INOVATOR.12", 3), (1, "SID-16-REGULASI", 3)]
    after = engine.what_if(m, region, innovations, 2023, chosen)
    # +2.4 (SPD 12) +0.36 (SID 16 of one innovation, divided by 10)
    assert after["index"] == pytest.approx(before["index"] + 2.4 + 0.36)
    # An indicator asked at the wrong level (a region indicator for an innovation) is ignored.
    same = engine.what_if(m, region, innovations, 2023, [(1, "SPD-12-PENGHARGAAN_INOVATOR.12", 3)])
    assert same["index"] == before["index"]
