"""sim.runs.stats: the final window, the quantiles, paired differences and the CSV format, on known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sim.runs import stats


@pytest.mark.parametrize(("steps", "expected"), [(120, (109, 120)), (12, (1, 12)), (5, (1, 5)), (1, (1, 1))])
def test_final_window_is_the_last_months_and_never_month_0(steps, expected):
    assert stats.final_window(steps) == expected
    assert stats.final_window(steps, last=3) == (max(1, steps - 2), steps)


def test_final_mean_averages_the_final_window_along_the_step_axis():
    """Values equal to their month: the mean over months 19..30 is 24.5; a run of 5 months averages 1..5 (3.0)."""
    steps = np.arange(0, 31)
    values = np.tile(steps.astype(np.float32), (2, 1))  # [replication, step]
    assert stats.final_mean(values, steps).tolist() == [24.5, 24.5]
    assert stats.final_mean(values[:, :6], steps[:6]).tolist() == [3.0, 3.0]  # never month 0
    assert stats.final_mean(values.T, steps, axis=0, last=2).tolist() == [29.5, 29.5]
    assert stats.final_mean(values, steps).dtype == np.float64


def test_describe_gives_the_mean_and_linear_quantiles():
    """[1, 2, 3, 4, 5]: mean 3; p05 = 1 + 0.05 * 4 = 1.2, p50 = 3, p95 = 4.8 (linear interpolation)."""
    out = stats.describe(np.array([[1.0], [2.0], [3.0], [4.0], [5.0]]), axis=0)
    assert list(out) == ["mean", "p05", "p50", "p95"]
    np.testing.assert_allclose([out[k][0] for k in out], [3.0, 1.2, 3.0, 4.8])
    every = stats.describe(np.arange(1.0, 6.0), axis=0, bands=stats.BANDS)
    np.testing.assert_allclose([every[k] for k in ("p25", "p75")], [2.0, 4.0])


def test_paired_gives_the_mean_its_95_percent_interval_and_the_spread():
    """Differences [1, 2, 3]: mean 2, sd 1, so the CI is 2 +- 1.96 / sqrt(3) = [0.8684, 3.1316]; p05 1.1, p95 2.9."""
    out = stats.paired(np.array([1.0, 2.0, 3.0]), axis=0)
    assert list(out) == list(stats.DIFFERENCE)
    np.testing.assert_allclose([out[k] for k in stats.DIFFERENCE], [2.0, 0.868393, 3.131607, 1.1, 2.9], rtol=1e-6)
    one = stats.paired(np.array([0.3]), axis=0)
    assert np.isnan(one["diff_low"]) and one["diff"] == pytest.approx(0.3)


def test_paired_interval_narrows_with_replications():
    rng = np.random.default_rng(2)
    small, large = (stats.paired(rng.normal(0.1, 1.0, n), axis=0) for n in (50, 5000))
    for d in (small, large):
        assert d["diff_p05"] < d["diff_low"] < d["diff"] < d["diff_high"] < d["diff_p95"]
    assert large["diff_high"] - large["diff_low"] < (small["diff_high"] - small["diff_low"]) / 5


def test_one_number_format_for_every_csv(tmp_path):
    frame = pd.DataFrame({"a": [1 / 3, 2.0e-9], "b": ["x", "y"]})
    text = stats.write_csv(frame, tmp_path / "t.csv").read_text()
    assert text == "a,b\n0.333333,x\n2e-09,y\n"
    assert stats.csv_bytes(frame) == text.encode()
