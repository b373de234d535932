"""Numbers for Indonesian readers (core/numbers.py): thousands ".", decimals ",", units."""

from decimal import Decimal

import pytest
from django.utils import translation

from labinov.core import numbers


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (75_000_000, "75.000.000"),
        (1234.5, "1.234,5"),
        (Decimal("14.0"), "14"),
        (0.5, "0,5"),
        (999, "999"),
        (1000, "1.000"),
        (-5000, "-5.000"),
        (Decimal("2.25"), "2,3"),  # one decimal, rounded half up
        (None, "—"),
        ("bukan angka", "—"),
    ],
)
def test_number(value, text):
    assert numbers.number(value) == text


def test_units_in_indonesian():
    with translation.override("id"):
        assert numbers.rupiah(75_000_000) == "Rp 75.000.000"
        assert numbers.rupiah(Decimal("50000.0")) == "Rp 50.000"
        assert numbers.rupiah(-5000) == "-Rp 5.000"
        assert numbers.days(14) == "14 hari"
        assert numbers.days(1) == "1 hari"
        assert numbers.days(Decimal("0.5")) == "0,5 hari"
        assert numbers.hours(9600) == "9.600 jam"
        assert numbers.people(1500) == "1.500 orang"
        assert numbers.percent(37) == "+37 %"
        assert numbers.percent(Decimal("36.7")) == "+37 %"
        assert numbers.percent(-12.4) == "-12 %"
        assert numbers.percent(0) == "0 %"
        assert numbers.percent(None) == "—"


def test_units_follow_the_language_but_the_separators_stay_indonesian():
    with translation.override("en"):
        assert numbers.days(14) == "14 days"
        assert numbers.rupiah(75_000_000) == "Rp 75.000.000"


def test_template_filters_use_the_same_functions():
    from django.template import Context, Template

    page = Template(
        "{% load labinov %}{{ a|rupiah }}|{{ b|days }}|{{ c|percent }}|{{ d|number }}"
    ).render(Context({"a": 75_000_000, "b": 14, "c": 37, "d": 1234.5}))
    with translation.override("id"):
        assert page == "Rp 75.000.000|14 hari|+37 %|1.234,5"
