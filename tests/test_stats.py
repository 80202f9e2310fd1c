"""One set of statistics: the final window, quantiles and paired differences agree across run, compare, sweeps."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

import sim
import sim.sweep
from sim import output, stats
from sim.sweep import api, tasks


@pytest.mark.parametrize(("steps", "expected"), [(120, (109, 120)), (12, (1, 12)), (5, (1, 5)), (1, (1, 1))])
def test_final_window_is_the_last_months_and_never_month_0(steps, expected):
    assert stats.final_window(steps) == expected
    assert stats.final_window(steps, last=3) == (max(1, steps - 2), steps)


@pytest.mark.parametrize("steps", [5, 30])
def test_results_output_and_sweeps_share_one_final_window(steps):
    """Shorter and longer than the window: Results.final, the run and compare tables and a sweep's outcomes agree."""
    res = sim.run("us_pressure", replications=range(3, 9), steps=steps, seed=3)
    by_hand = res.trust.sel(step=slice(max(1, steps - 11), steps)).mean("step")
    xr.testing.assert_allclose(res.final(), by_hand)
    table = output.final_table(res).set_index(["observer", "target"])
    assert table.loc[("PAK", "USA"), "mean"] == pytest.approx(float(by_hand.sel(observer="PAK", target="USA").mean()))
    sweep = sim.sweep.load(
        {
            "scenario": "us_pressure",
            "replications": 6,
            "seed": 3,
            "steps": steps,
            "outcomes": ["trust_PAK_USA"],
            "vary": [{"path": "parameters.alpha", "values": [0.6]}],
        }
    )
    values = tasks.run_points([sweep.scenario], np.arange(3, 9), api.plan(sweep))[0][0]
    # Results keep trust as float32 (sim.recording): agreement to its 7 digits
    np.testing.assert_allclose(values[:, 0], by_hand.sel(observer="PAK", target="USA").values, rtol=0, atol=1e-6)


def test_describe_and_its_array_form_give_the_same_quantiles():
    rng = np.random.default_rng(1)
    values = rng.normal(size=(200, 3))
    da = xr.DataArray(values, dims=("replication", "dyad"))
    ds = stats.describe(da, stats.FINAL_BANDS)
    arr = stats.describe_array(values, axis=0)
    for name in ("mean", *stats.FINAL_BANDS):
        np.testing.assert_allclose(ds[name].values, arr[name])
    assert (arr["p05"] < arr["p50"]).all() and (arr["p50"] < arr["p95"]).all()


def test_paired_interval_covers_the_mean_and_narrows_with_replications():
    rng = np.random.default_rng(2)
    small = stats.paired(xr.DataArray(rng.normal(0.1, 1.0, 50), dims="replication"))
    large = stats.paired(xr.DataArray(rng.normal(0.1, 1.0, 5000), dims="replication"))
    for d in (small, large):
        assert d["diff_low"] < d["diff"] < d["diff_high"]
        assert d["diff_p05"] < d["diff_low"] and d["diff_high"] < d["diff_p95"]  # the spread is wider than the CI
    assert float(large["diff_high"] - large["diff_low"]) < float(small["diff_high"] - small["diff_low"]) / 5
    one = stats.paired(xr.DataArray([0.3], dims="replication"))
    assert np.isnan(float(one["diff_low"])) and float(one["diff"]) == pytest.approx(0.3)


def test_paired_and_its_array_form_give_the_same_columns():
    rng = np.random.default_rng(3)
    values = rng.normal(0.05, 0.2, size=(300, 4))
    ds = stats.paired(xr.DataArray(values, dims=("replication", "dyad")))
    arr = stats.paired_array(values, axis=0)
    assert list(arr) == list(ds.data_vars) == list(stats.DIFFERENCE)
    for name in stats.DIFFERENCE:
        np.testing.assert_allclose(ds[name].values, arr[name])
    assert np.isnan(stats.paired_array(values[:1], axis=0)["diff_low"]).all()


def test_the_final_window_mask_matches_the_final_mean():
    steps = np.arange(0, 31)
    mask = stats.in_final_window(steps)
    assert steps[mask].tolist() == list(range(19, 31))
    short = np.arange(0, 6)
    assert short[stats.in_final_window(short)].tolist() == [1, 2, 3, 4, 5]  # never month 0


def test_one_number_format_for_every_csv(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"a": [1 / 3, 2.0e-9], "b": ["x", "y"]})
    text = stats.write_csv(frame, tmp_path / "t.csv").read_text()
    assert text == "a,b\n0.333333,x\n2e-09,y\n"
    assert stats.csv_bytes(frame) == text.encode()
