"""The yardstick effects are read on: poll sampling error and one-year swings, from verified rows only; and the
comparison printout's column for parameter draws."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sim.runs import printout, yardstick


def table(rows: list[tuple]) -> pd.DataFrame:
    columns = ["series", "observer", "target", "year", "month", "value", "sample_size", "verified"]
    return pd.DataFrame(rows, columns=columns)


def test_known_answers():
    observed = table(
        [
            ("a", "PAK", "USA", 2010, 4, 0.20, 1000, "yes"),
            ("a", "PAK", "USA", 2011, 4, 0.30, 2000, "yes"),  # +0.10 in 12 months
            ("a", "PAK", "USA", 2013, None, 0.90, None, "yes"),  # two years on: not a one-year swing
            ("b", "USA", "PAK", 2010, 2, 0.40, None, "yes"),
            ("b", "USA", "PAK", 2010, 8, 0.35, None, "yes"),  # -0.05 in 6 months
            ("b", "USA", "PAK", 2011, 2, 0.95, 500, "no"),  # unverified: left out
        ]
    )
    y = yardstick.yardstick(observed)
    margins = [1.96 * math.sqrt(0.2 * 0.8 / 1000), 1.96 * math.sqrt(0.3 * 0.7 / 2000)]
    assert y.polls == 2 and y.sampling_error == pytest.approx(sum(margins) / 2)
    assert y.sampling_range == pytest.approx((min(margins), max(margins)))
    assert y.swings == 2 and y.largest.change == pytest.approx(0.10) and y.largest.series == "a"
    assert (y.largest.before, y.largest.after) == ("2010-04", "2011-04")
    assert y.typical_swing == pytest.approx(0.075)
    assert "±0.0" in y.text() and "Monte Carlo precision" in y.text()


def test_the_bundled_series_give_a_yardstick():
    y = yardstick.observed()
    assert 0.01 < y.sampling_error < 0.05 and y.polls >= 10
    assert 0.0 < y.typical_swing <= abs(y.largest.change) <= 1.0


def test_a_comparison_over_parameter_draws_prints_the_share_that_beats_the_reference():
    base = {"observer": "PAK", "target": "USA", "mean": 0.3, "p05": 0.2, "p50": 0.3, "p95": 0.4}
    diff = {"diff": 0.05, "diff_low": 0.04, "diff_high": 0.06, "diff_p05": 0.0, "diff_p95": 0.1}
    final = pd.DataFrame([{"scenario": "a", **base}, {"scenario": "b", **base, **diff}])
    plain = printout.comparison_text(final, window=(109, 120), replications=10)
    assert "P(above)" not in plain
    drawn = printout.comparison_text(
        final.assign(p_above=[float("nan"), 0.87]), window=(109, 120), replications=10, fit="scenarios/fits/default"
    )
    assert "P(above)" in drawn and drawn.splitlines()[-1].endswith("0.87")
