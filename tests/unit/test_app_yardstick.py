"""sim.app.yardstick and the dashboard figures' text fitting, on known answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.app.figures import clip, width, wrap
from sim.app.yardstick import yardstick

SERIES = """series,observer,target,year,month,value,sample_size,source,verified
a,PAK,USA,2010,,0.5,1000,x,yes
a,PAK,USA,2011,,0.2,,x,yes
a,PAK,USA,2013,,0.9,,x,yes
b,USA,PAK,2010,3,0.3,2100,x,yes
b,USA,PAK,2010,9,0.5,,x,yes
b,USA,PAK,2011,,0.05,,x,yes
c,IND,USA,2010,,0.5,100,x,no
c,IND,USA,2011,,0.0,,x,no
"""


def test_the_yardstick_is_a_polls_margin_and_the_largest_one_year_swing(tmp_path: Path) -> None:
    """Margins 1.96 sqrt(0.25 / 1000) = 0.03099 and 1.96 sqrt(0.21 / 2100) = 0.0196, median 0.025295 (the unverified
    poll left out). Swings between consecutive years: a 0.3 (2010-2011; 2011-2013 is two years apart), b 0.35
    (2010's two polls average 0.4, then 0.05); c is unverified."""
    path = tmp_path / "observed.csv"
    path.write_text(SERIES)
    found = yardstick(path)
    assert found.sampling_error == pytest.approx(0.025295, abs=1e-6)
    assert (found.polls, found.swing) == (2, pytest.approx(0.35))
    assert found.swing_where == "USA → PAK (b), 2010 to 2011"
    assert "±0.03" in found.text() and "0.35" in found.text()


def test_the_bundled_series_give_a_yardstick() -> None:
    found = yardstick()
    assert 0.005 < found.sampling_error < 0.05 and 0.05 < found.swing < 0.5 and found.polls > 10


def test_long_names_are_shortened_in_the_middle_as_little_as_needed_and_captions_wrapped() -> None:
    assert clip("status_quo", 2.0, 9.5) == "status_quo"
    name = "us_pakistan_2001_2018_variant_with_a_long_tail"
    short = clip(name, 1.5, 9.5)
    assert short.startswith("us_pak") and short.endswith("tail") and "…" in short
    assert 1.5 - width("mm", 9.5) < width(short, 9.5) <= 1.5 < width(name, 9.5)  # cut no more than needed
    lines = wrap("word " * 100, inches=3.0, size=10).splitlines()
    assert len(lines) > 1 and all(width(line, 10) <= 3.0 for line in lines)
    assert all(width(f"{line} word", 10) > 3.0 for line in lines[:-1])  # each line as full as it can be
