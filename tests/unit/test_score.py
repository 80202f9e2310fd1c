"""sim.fit.score: the metrics, the baselines, the verdict, the simulated value of an observation and its band, on
hand-made numbers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sim.fit import score
from sim.util.errors import ConfigError


def test_rmse_is_the_root_mean_squared_difference():
    assert score.rmse([0.1, 0.2, 0.3], [0.2, 0.2, 0.1]) == pytest.approx(np.sqrt((0.01 + 0.0 + 0.04) / 3))
    assert score.rmse([0.4, 0.5], [0.4, 0.5]) == 0.0
    assert np.isnan(score.rmse([], []))


def test_spearman_ranks_and_is_undefined_on_short_or_flat_series():
    observed = [0.10, 0.30, 0.20, 0.40]
    assert score.spearman(observed, [1.0, 9.0, 2.0, 50.0]) == pytest.approx(1.0)  # same order, other scale
    assert score.spearman(observed, [0.9, 0.1, 0.5, 0.0]) == pytest.approx(-1.0)
    assert np.isnan(score.spearman([0.1, 0.2], [0.1, 0.2]))
    assert np.isnan(score.spearman(observed, [0.3, 0.3, 0.3, 0.3]))


def test_direction_agreement_counts_matching_signs_with_a_tolerance():
    # observed: up, down, flat; simulated: up, flat (under 0.01), up -> only the first pair agrees
    assert score.direction_agreement([0.10, 0.20, 0.15, 0.15], [0.30, 0.35, 0.345, 0.50]) == pytest.approx(1 / 3)
    # a flat simulation agrees only where the polls were flat too
    assert score.direction_agreement([0.2, 0.3, 0.3, 0.1], [0.25, 0.251, 0.252, 0.249]) == pytest.approx(1 / 3)
    # a one-point change is a change (0.12 - 0.11 is just under 0.01 in floating point)
    assert score.direction_agreement([0.12, 0.11], [0.5, 0.4]) == 1.0
    assert score.direction_agreement([0.12, 0.11], [0.5, 0.5]) == 0.0
    assert score.direction_agreement([0.1, 0.5], [0.2, 0.21], tolerance=0.05) == 0.0
    assert np.isnan(score.direction_agreement([0.3], [0.3]))


def test_coverage_is_the_share_inside_the_band_skipping_missing_bands():
    assert score.coverage([0.1, 0.5, 0.9], [0.0, 0.6, 0.8], [0.2, 0.7, 1.0]) == pytest.approx(2 / 3)
    assert score.coverage([0.1, 0.5], [0.0, np.nan], [0.2, np.nan]) == 1.0
    assert np.isnan(score.coverage([0.1], [np.nan], [np.nan]))


def test_windows_split_after_the_split_year():
    assert list(score.windows([2009, 2010, 2011], 2010)) == ["train", "train", "test"]
    assert list(score.windows([2009, 2010, 2011], 2009)) == ["train", "test", "test"]


def synthetic_trust(replications: int = 3, steps: int = 30) -> xr.DataArray:
    """Trust = step / 100 + replication / 1000 for PAK -> USA, dated from 2001-09 (step 0 is 2001-08)."""
    values = np.full((replications, steps + 1, 2, 2), np.nan)
    for r in range(replications):
        values[r, :, 0, 1] = np.arange(steps + 1) / 100 + r / 1000
        values[r, :, 1, 0] = 0.5
    dates = np.array(
        [f"{2001 + (7 + t) // 12}-{(7 + t) % 12 + 1:02d}" for t in range(steps + 1)], dtype="datetime64[M]"
    )
    return xr.DataArray(
        values,
        dims=("replication", "step", "observer", "target"),
        coords={
            "replication": np.arange(replications),
            "step": np.arange(steps + 1),
            "observer": ["PAK", "USA"],
            "target": ["PAK", "USA"],
            "date": ("step", dates.astype("datetime64[ns]")),
        },
    )


def observations(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["series", "observer", "target", "year", "month", "value"])
    return frame.assign(month=frame["month"].astype("Int64"), source="test", verified=None, line=2)


def test_simulated_value_is_the_survey_month_or_the_mean_over_the_year():
    trust = synthetic_trust()
    obs = observations([("s", "PAK", "USA", 2002, 5, 0.1), ("s", "PAK", "USA", 2002, None, 0.1)])
    values = score.draws(trust, obs)
    replication = np.arange(3) / 1000
    np.testing.assert_allclose(values[0], 0.09 + replication)  # 2002-05 is step 9
    np.testing.assert_allclose(values[1], np.mean(np.arange(5, 17)) / 100 + replication)  # steps 5..16
    # the first year holds the initial state (step 0, end of 2001-08) and steps 1..4
    first = score.draws(trust, observations([("s", "PAK", "USA", 2001, None, 0.1)]))
    np.testing.assert_allclose(first[0], np.mean(np.arange(0, 5)) / 100 + replication)
    banded = score.band(values, obs["value"])
    assert (banded["p05"] <= banded["simulated"]).all() and (banded["simulated"] <= banded["p95"]).all()
    assert (banded["crps"] > 0).all()


def test_observations_outside_the_run_are_found_and_a_run_without_calendar_is_refused():
    trust = synthetic_trust(steps=30)  # 2001-08 .. 2004-02
    obs = observations([("s", "PAK", "USA", 2004, 2, 0.1), ("s", "PAK", "USA", 2004, 3, 0.1)])
    assert list(score.in_run(score.step_dates(trust), obs)) == [True, False]
    with pytest.raises(ConfigError, match="no calendar"):
        score.step_dates(trust.drop_vars("date"))


def test_summary_gives_the_same_means_and_bands_only_for_survey_months():
    trust = synthetic_trust()
    obs = observations([("s", "PAK", "USA", 2002, 5, 0.1), ("s", "PAK", "USA", 2003, None, 0.1)])
    rows = []
    for t in trust["step"].values:
        d = trust.sel(step=t, observer="PAK", target="USA").values
        rows.append({"step": t, "observer": "PAK", "target": "USA", "mean": d.mean(), "p05": d.min(), "p50": 0.0})
    summary = pd.DataFrame(rows).assign(p95=lambda f: f["mean"] + 1)
    exact = score.band(score.draws(trust, obs))
    from_summary = score.band_from_summary(summary, score.step_dates(trust), obs)
    np.testing.assert_allclose(from_summary["simulated"], exact["simulated"])
    assert not np.isnan(from_summary.loc[0, "p05"]) and np.isnan(from_summary.loc[1, "p05"])


def test_metrics_table_per_run_series_and_window():
    obs = observations(
        [
            ("a", "PAK", "USA", 2008, None, 0.2),
            ("a", "PAK", "USA", 2009, None, 0.3),
            ("a", "PAK", "USA", 2010, None, 0.1),
            ("a", "PAK", "USA", 2011, None, 0.4),
            ("b", "USA", "PAK", 2009, None, 0.5),
        ]
    )
    values = obs["value"]
    perfect = pd.DataFrame({"simulated": values, "p05": values - 0.1, "p50": values, "p95": values + 0.1, "crps": 0.0})
    shifted = perfect.assign(simulated=perfect["simulated"] + 0.2, p05=0.0, p95=0.05, crps=0.2)
    points = score.points_table(obs, {"exact": perfect, "off": shifted}, split=2010)
    metrics = score.metrics_table(points)
    assert list(zip(metrics["series"], metrics["window"], metrics["run"], strict=True)) == [
        ("a", "train", "exact"),
        ("a", "train", "off"),
        ("a", "test", "exact"),
        ("a", "test", "off"),
        ("b", "train", "exact"),
        ("b", "train", "off"),
    ]
    exact = metrics[metrics["run"] == "exact"].set_index(["series", "window"])
    off = metrics[metrics["run"] == "off"].set_index(["series", "window"])
    assert exact.loc[("a", "train"), "rmse"] == 0 and off.loc[("a", "train"), "rmse"] == pytest.approx(0.2)
    assert exact.loc[("a", "train"), "direction"] == 1 and off.loc[("a", "train"), "direction"] == 1  # same shape
    assert exact.loc[("a", "train"), "coverage90"] == 1 and off.loc[("a", "train"), "coverage90"] == 0
    assert exact.loc[("a", "train"), "crps"] == 0 and off.loc[("a", "train"), "crps"] == pytest.approx(0.2)
    assert exact.loc[("a", "train"), "n"] == 3 and exact.loc[("a", "test"), "n"] == 1
    # no sample size given: a poll of 1,000; the mean over the window's rows
    se = np.sqrt(np.array([0.2 * 0.8, 0.3 * 0.7, 0.1 * 0.9]) / 1000).mean()
    assert exact.loc[("a", "train"), "poll_se"] == pytest.approx(se)


def test_crps_of_an_ensemble_and_of_a_point_forecast():
    # one member: the absolute error; a spread ensemble centred on the truth beats a point forecast that misses
    assert score.crps([0.3], np.array([[0.5]]))[0] == pytest.approx(0.2)
    members = np.array([[0.25, 0.3, 0.35]])
    assert score.crps([0.3], members)[0] < score.crps([0.3], np.array([[0.35]]))[0]
    # the ensemble CRPS: E|X - y| - E|X - X'| / 2 over the members
    x = np.array([0.1, 0.2, 0.4])
    expected = np.abs(x - 0.3).mean() - np.abs(x[:, None] - x[None, :]).mean() / 2
    assert score.crps([0.3], x[None, :])[0] == pytest.approx(expected)


def test_crps_is_scoringrules_bit_for_bit():
    # the fit's recorded CRPS were made by scoringrules.crps_ensemble: the package's own estimator gives its bits,
    # with ties, members on the observation, a NaN member or observation, and ensembles of 2 to 200 members
    import scoringrules

    rng = np.random.default_rng(7)
    for m in (2, 3, 8, 50, 200):
        draws = rng.uniform(0, 1, (40, m))
        draws[:5] = np.round(draws[:5], 1)
        observed = rng.uniform(0, 1, 40)
        observed[5] = draws[5, 0]
        observed[6] = np.nan
        draws[7, m // 2] = np.nan
        ours, theirs = score.crps(observed, draws), scoringrules.crps_ensemble(observed, draws, m_axis=-1)
        np.testing.assert_array_equal(ours, theirs)
        assert np.isnan(ours[6]) and np.isnan(ours[7]) and not np.isnan(ours[:6]).any()


def test_baselines_come_from_the_training_rows_only():
    obs = observations(
        [
            ("a", "PAK", "USA", 2008, None, 0.2),
            ("a", "PAK", "USA", 2010, 3, 0.4),
            ("a", "PAK", "USA", 2010, 9, 0.3),  # the last training value: persistence
            ("a", "PAK", "USA", 2011, None, 0.9),
            ("b", "USA", "PAK", 2012, None, 0.5),  # no training row: no baseline
        ]
    )
    made = score.baselines(obs, split=2010)
    assert list(made["train_mean"]["simulated"][:4]) == pytest.approx([0.3] * 4)
    assert list(made["persistence"]["simulated"][:4]) == pytest.approx([0.3] * 4)
    assert np.isnan(made["train_mean"]["simulated"][4]) and np.isnan(made["persistence"]["crps"][4])
    assert made["persistence"]["crps"][3] == pytest.approx(0.6)
    assert made["train_mean"][["p05", "p95"]].isna().all().all()  # a point forecast has no band
    changed = obs.assign(value=[0.2, 0.4, 0.3, 0.1, 0.5])  # a held-out value changed: the forecasts are not
    assert list(score.baselines(changed, 2010)["train_mean"]["simulated"][:4]) == pytest.approx([0.3] * 4)


def test_the_verdict_counts_baselines_beaten_on_the_held_out_years():
    rows = []
    for series, crps in (
        ("a", {"run": 0.01, "no_moves": 0.02, "train_mean": 0.03, "persistence": 0.005}),
        ("b", {"run": 0.05, "no_moves": 0.04, "train_mean": 0.03, "persistence": 0.02}),
        ("c", {"run": 0.01, "no_moves": 0.02, "train_mean": np.nan, "persistence": np.nan}),
    ):
        for run, value in crps.items():
            rows.append({"run": run, "series": series, "window": "test", "crps": value})
    verdict = score.verdict(pd.DataFrame(rows))
    assert verdict == (
        "verdict: on the held-out years, by CRPS, the run beats all 3 baselines in 0 of 3 series, 2 in 1, 1 in 1, "
        "none in 1 (1 of them without a training row, so only beside the no-moves run)"
    )
