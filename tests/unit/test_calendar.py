"""sim.util.calendar: months as steps and back."""

from __future__ import annotations

import datetime as dt

import pytest

from sim.util import calendar


def test_months_map_to_steps_and_back():
    """Step t is the month start + (t - 1): with start 2001-09, 2002-01 is step 5; step 0 is 2001-08."""
    assert calendar.step_of("2001-09", "2001-09") == 1
    assert calendar.step_of("2002-01", "2001-09") == 5
    assert calendar.date_of(0, "2001-09") == "2001-08"
    assert calendar.date_of(5, "2001-09") == "2002-01"
    assert calendar.months_between("2001-09", "2018-12") == 208


def test_month_index_counts_months_since_year_zero_and_accepts_toml_dates():
    """2001-09 -> 2001 * 12 + 8 = 24020; a TOML date of that month gives the same; month_label inverts it."""
    assert calendar.month_index("2001-09") == 24020
    assert calendar.month_index(dt.date(2001, 9, 17)) == 24020
    assert calendar.month_index(" 2001-09 ") == 24020
    assert calendar.month_label(24020) == "2001-09"
    assert calendar.month_label(calendar.month_index("1999-12") + 1) == "2000-01"


@pytest.mark.parametrize("value", ["2001-13", "2001-00", "0999-01", "2001-9", "2001/09", 200109, None])
def test_what_is_not_a_month_is_refused_with_the_format(value):
    with pytest.raises(ValueError, match="YYYY-MM"):
        calendar.month_index(value)


def test_dates_are_strings_or_toml_dates_never_numbers_or_booleans():
    assert calendar.is_date("2001-09") and calendar.is_date(dt.date(2001, 9, 1))
    assert not calendar.is_date(5) and not calendar.is_date(True)
