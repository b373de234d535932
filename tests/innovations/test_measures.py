"""The one computation of faster, cheaper, easier and the yearly savings
(innovations/measures.py), against examples computed by hand."""

from decimal import Decimal

import pytest
from django.utils import translation

from labinov.innovations import measures
from labinov.innovations.measures import change, evaluate, roll_up


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def test_lower_is_better_measures():
    # 14 days -> 7 days: (14 - 7) / 14 x 100 = 50 % faster.
    c = change("days", 14, 7)
    assert (c.state, c.percent, c.text) == ("improved", Decimal("50.0"), "+50 %")
    # Rp 75.000 -> Rp 90.000: (75.000 - 90.000) / 75.000 x 100 = -20 % (worse).
    c = change("cost", 75000, 90000)
    assert (c.state, c.percent, c.text) == ("worse", Decimal("-20.0"), "-20 %")


def test_higher_is_better_measures():
    # Satisfaction 60 -> 82: (82 - 60) / 60 x 100 = 36,67 -> "+37 %".
    c = change("satisfaction", 60, 82)
    assert (c.state, c.percent, c.text) == ("improved", Decimal("36.7"), "+37 %")
    # Satisfaction 80 -> 72: (72 - 80) / 80 x 100 = -10 %.
    assert change("satisfaction", 80, 72).text == "-10 %"
    # People served 1.000 -> 1.500: +50 %.
    assert change("people_served", 1000, 1500).percent == Decimal("50.0")


def test_a_baseline_of_zero_is_said_in_words_never_none_percent():
    new = change("people_served", 0, 1500)
    assert (new.state, new.percent, new.text) == ("new_from_zero", None, "baru (dari 0)")
    assert "tidak ada persen dari 0" in new.explanation
    up = change("cost", 0, 5000)
    assert (up.state, up.percent, up.text) == ("up_from_zero", None, "naik dari 0")
    free = change("cost", 0, 0)
    assert (free.state, free.text) == ("same_zero", "0 % (tetap 0)")
    for c in (new, up, free):
        assert "None" not in c.text


def test_missing_values():
    c = change("days", 14, None)
    assert (c.state, c.percent, c.text) == ("no_actual", None, "—")
    assert c.explanation == "belum ada capaian yang diukur"
    assert change("days", None, 3).state == "no_baseline"


def test_faster_cheaper_easier_and_yearly_savings_of_one_innovation():
    imp = evaluate(
        {
            "days": (14, 2, 7),
            "cost": (50000, 0, 10000),
            "steps": (6, 3, 3),
            "requirements": (5, 4, 4),
            "visits": (3, 1, 1),
            "satisfaction": (60, 80, None),
        },
        transactions_per_year=1200,
        hours_per_visit=Decimal("2.5"),
    )
    assert imp.faster.text == "+50 %"
    # (50.000 - 10.000) / 50.000 = 80 %.
    assert imp.cheaper.percent == Decimal("80.0")
    # Easier: steps + requirements + visits, 6 + 5 + 3 = 14 before, 3 + 4 + 1 = 8 after:
    # (14 - 8) / 14 x 100 = 42,86 -> "+43 %".
    assert (imp.easier.percent, imp.easier.text) == (Decimal("42.9"), "+43 %")
    # (Rp 50.000 - Rp 10.000) x 1.200 = Rp 48.000.000.
    assert imp.rupiah_per_year.value == 48_000_000
    assert imp.rupiah_per_year.formula == (
        "(Rp 50.000 − Rp 10.000) × 1.200 transaksi setahun = Rp 48.000.000"  # noqa: RUF001
    )
    # (3 - 1) visits x 2,5 hours x 1.200 = 6.000 citizen-hours.
    assert imp.hours_per_year.value == 6000
    assert imp.hours_per_year.formula == (
        "(3 − 1 kunjungan) × 2,5 jam per kunjungan × 1.200 transaksi setahun = 6.000 jam"  # noqa: RUF001
    )
    satisfaction = next(r for r in imp.rows if r.measure == "satisfaction")
    assert satisfaction.achieved.text == "—" and satisfaction.planned.text == "+33 %"


def test_savings_say_what_they_need():
    imp = evaluate({"days": (14, 2, 7)})
    assert imp.rupiah_per_year.value is None
    assert imp.rupiah_per_year.missing == "perlu biaya bagi warga sebelum dan sesudah"
    imp = evaluate({"cost": (50000, 0, 0), "visits": (2, 0, 0)})
    assert imp.rupiah_per_year.missing == "perlu jumlah transaksi per tahun"
    imp = evaluate({"visits": (2, 0, 0)}, transactions_per_year=10)
    assert imp.hours_per_year.missing == "perlu jam yang dihabiskan warga untuk satu kunjungan"
    assert imp.easier.text == "+100 %" and imp.faster.text == "—"


def test_a_roll_up_sums_savings_and_averages_percents_over_those_that_have_them():
    a = evaluate({"days": (10, 2, 5), "cost": (20000, 0, 0)}, transactions_per_year=100)
    b = evaluate({"days": (4, 2, 3), "people_served": (0, 100, 80)})
    c = evaluate({"days": (4, 2, None)})
    total = roll_up("Wilayah", [a, b, c])
    assert (total.innovations, total.measured) == (3, 2)
    # Faster: (50 % + 25 %) / 2 = 37,5 %, over 2 innovations (c has no actual).
    assert (total.average("faster"), total.counted("faster")) == (Decimal("37.5"), 2)
    assert total.rupiah_per_year == 2_000_000  # only a has it: 20.000 x 100
    assert total.hours_per_year is None  # nobody has it: "—", not 0
    assert total.people_served == 80
    assert [cell["text"] for cell in total.cells] == ["+38 %", "+100 %", "—"]


def test_every_measure_of_the_model_is_declared_once():
    from labinov.innovations.models import ServiceMeasure

    assert set(ServiceMeasure.Measure.values) == set(measures.KINDS)
    assert {"satisfaction", "people_served"} == ServiceMeasure.HIGHER_IS_BETTER
