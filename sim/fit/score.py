"""Simulated trust against observed series: the simulated value at each observation, the baselines, the metrics.

The simulated value of an observation is, per replication, trust in its dyad at its survey month (the state at
the end of that month), or, for a yearly value (no month), the mean over the year's months that the run covers.
Over replications it has a mean (the point forecast) and a 90% band (5-95% quantiles): with a fit's posterior
(`--fit`), each replication runs on its own parameter draw, so the band holds parameter uncertainty too.

Every run is scored beside three baselines of the same series: the no-moves run (the scenario without its
policies, rules and events, on the same random numbers and parameter draws), the mean of the series' training
values (`train_mean`) and its last training value (`persistence`). The two last are point forecasts from the
training window only, so they are defined for a series with at least one training row.

Metrics, per run, series and window (train: years up to the split year, test: after it):

- `rmse`: root mean squared difference between the mean simulated value and the observed one.
- `crps`: the mean continuous ranked probability score of the replications' values as an ensemble forecast
  (the estimator of scoringrules.crps_ensemble); for a point forecast it is the absolute error. Lower is better;
  unlike RMSE it rewards a band that is as narrow as the truth allows and no narrower.
- `coverage90`: the share of observed values inside the 90% band (none for point forecasts).
- `spearman`: rank correlation of simulated and observed values (NaN with fewer than 3 points or a constant
  side). On short, nearly flat series it says little; read it with `rmse`.
- `direction`: the share of consecutive observed pairs (in time order, within the window) whose change the
  simulation matches in sign. A change smaller than `tolerance` (default 0.01: one point, the resolution of
  published polls) counts as no change, on both sides.
- `poll_se`: the mean sampling standard error of the observed shares, sqrt(p (1 - p) / n) with the poll's
  `sample_size` (1,000 interviews where the file gives none): the error a perfect model would still show.
- `n` observations and `pairs` consecutive pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from sim.runs.stats import FINAL_BANDS, describe
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

DEFAULT_SPLIT = 2013  # the frozen split of the bundled histories (scenarios/fits/split.toml)
TOLERANCE = 0.01
WINDOWS = ("train", "test")
BAND = FINAL_BANDS  # median and 90% band
KEYS = ["series", "observer", "target", "year", "month"]
BASELINES = ("train_mean", "persistence")
REFERENCES = ("no_moves", *BASELINES)  # what every run is scored beside
DEFAULT_SAMPLE = 1000  # interviews assumed for a poll whose sample size the file does not give
METRIC_COLUMNS = ["n", "rmse", "crps", "coverage90", "spearman", "direction", "pairs", "poll_se"]


# ---------------------------------------------------------------------------------------------------------------
# Metrics on plain arrays


def rmse(observed: Sequence[float], simulated: Sequence[float]) -> float:
    """Root mean squared difference; NaN for no points."""
    o, s = np.asarray(observed, float), np.asarray(simulated, float)
    return float(np.sqrt(np.mean((s - o) ** 2))) if len(o) else float("nan")


def spearman(observed: Sequence[float], simulated: Sequence[float]) -> float:
    """Spearman rank correlation; NaN with fewer than 3 points or when either side is constant."""
    o, s = np.asarray(observed, float), np.asarray(simulated, float)
    if len(o) < 3 or np.ptp(o) == 0 or np.ptp(s) == 0:
        return float("nan")
    return float(stats.spearmanr(o, s).statistic)


def direction_agreement(observed: Sequence[float], simulated: Sequence[float], tolerance: float = TOLERANCE) -> float:
    """Share of consecutive pairs whose change has the same sign (changes under `tolerance` count as 0)."""
    o, s = np.asarray(observed, float), np.asarray(simulated, float)
    if len(o) < 2:
        return float("nan")
    return float(np.mean(_sign(np.diff(o), tolerance) == _sign(np.diff(s), tolerance)))


def coverage(observed: Sequence[float], low: Sequence[float], high: Sequence[float]) -> float:
    """Share of observed values within [low, high], over the points that have a band (NaN bands are skipped)."""
    o, lo, hi = (np.asarray(a, float) for a in (observed, low, high))
    has = ~(np.isnan(lo) | np.isnan(hi))
    return float(np.mean((o[has] >= lo[has]) & (o[has] <= hi[has]))) if has.any() else float("nan")


def crps(observed: Sequence[float], draws: np.ndarray) -> np.ndarray:
    """Per observation, the CRPS of the ensemble `draws` [observation, member] (one member: the absolute error).

    The quantile-decomposition estimator over the sorted members x_(1..M), with a_i = i - 1/2:
    2 / M^2 * sum_i (a_i (y - x_(i)) where x_(i) <= y, else (M - a_i) (x_(i) - y)). These are the numpy
    operations of scoringrules.crps_ensemble (its default estimator and backend), so the same bits
    (tests/unit/test_score.py checks it), without importing scoringrules, whose compiled functions cost seconds to
    load in every command (tens of seconds to compile the first time). A NaN member or observation gives NaN."""
    o, d = np.asarray(observed, float), np.asarray(draws, float)
    if d.shape[1] == 1:
        return np.abs(d[:, 0] - o)
    members = np.take_along_axis(d, np.argsort(d, axis=-1), axis=-1)
    m = members.shape[-1]
    a = np.arange(1, m + 1) - 0.5
    y = o[..., None]
    below = (members <= y) * a * (y - members)
    above = (members > y) * (m - a) * (members - y)
    return 2 * (np.sum(below + above, axis=-1) / (m**2))


def poll_se(value: Sequence[float], sample_size: Sequence[Any]) -> np.ndarray:
    """Sampling standard error of each observed share: sqrt(p (1 - p) / n), n = DEFAULT_SAMPLE where not given."""
    p = np.asarray(value, float)
    n = np.array([DEFAULT_SAMPLE if pd.isna(x) else float(x) for x in sample_size], dtype=float)
    return np.sqrt(p * (1 - p) / n)


def _sign(change: np.ndarray, tolerance: float) -> np.ndarray:
    """-1, 0 or +1; a change of exactly `tolerance` counts (the margin absorbs float error: 0.12 - 0.11 < 0.01)."""
    return np.where(np.abs(change) < tolerance - 1e-12, 0, np.sign(change))


def windows(years: Sequence[int], split: int = DEFAULT_SPLIT) -> np.ndarray:
    """'train' for years up to and including `split`, 'test' after it."""
    return np.where(np.asarray(years) <= split, WINDOWS[0], WINDOWS[1])


# ---------------------------------------------------------------------------------------------------------------
# Simulated values at the observations


def step_dates(trust: xr.DataArray) -> pd.DatetimeIndex:
    """The month each step records (from the `date` coordinate a run with a calendar carries)."""
    if "date" not in trust.coords:
        raise ConfigError(
            "the run has no calendar, so its months cannot be matched to survey years",
            hint='give the scenario a calendar: start = "YYYY-MM"',
        )
    return pd.DatetimeIndex(trust["date"].values)


def calendar(scenario: Scenario) -> pd.DatetimeIndex:
    """The month each step of a scenario with a calendar records (step 0: the month before `start`)."""
    return pd.DatetimeIndex(np.array(scenario.dates(), dtype="datetime64[M]"))


def matching_steps(dates: pd.DatetimeIndex, observed: pd.DataFrame) -> list[np.ndarray]:
    """For each observation, the positions of the steps in its survey month, or in its year (no month)."""
    years, months = dates.year.to_numpy(), dates.month.to_numpy()
    out = []
    for year, month in zip(observed["year"], observed["month"], strict=True):
        hit = years == year
        if not pd.isna(month):
            hit &= months == month
        out.append(np.flatnonzero(hit))
    return out


def in_run(dates: pd.DatetimeIndex, observed: pd.DataFrame) -> np.ndarray:
    """Which observations fall in months the run simulates."""
    return np.array([len(idx) > 0 for idx in matching_steps(dates, observed)], dtype=bool)


def draws(trust: xr.DataArray, observed: pd.DataFrame) -> np.ndarray:
    """Per observation and replication, trust at the survey month or the mean over the year: [point, replication]."""
    dates = step_dates(trust)
    out = np.empty((len(observed), trust.sizes["replication"]))
    cache: dict[tuple[str, str], np.ndarray] = {}
    values = trust.transpose("replication", "step", "observer", "target").values
    observers, targets = list(trust["observer"].values), list(trust["target"].values)
    for i, (idx, obs, tgt) in enumerate(
        zip(matching_steps(dates, observed), observed["observer"], observed["target"], strict=True)
    ):
        if not len(idx):
            raise ConfigError(f"observation {i} ({obs} -> {tgt}) is outside the run", hint="drop it before scoring")
        if (obs, tgt) not in cache:  # by position: xarray's label lookup costs more than the mean below
            o, t = observers.index(obs), targets.index(tgt)
            cache[(obs, tgt)] = values[:, :, o, t]
        out[i] = cache[(obs, tgt)][:, idx].mean(axis=1)
    return out


def band(values: np.ndarray, observed: Sequence[float] | None = None) -> pd.DataFrame:
    """Mean, median and 90% band (BAND) over replications of per-observation draws [point, replication], and with
    the `observed` values each point's CRPS."""
    described = describe(values, axis=1, bands=BAND)
    out = pd.DataFrame({"simulated": described.pop("mean"), **described})
    out["crps"] = crps(observed, values) if observed is not None else np.nan
    return out


def baselines(observed: pd.DataFrame, split: int) -> dict[str, pd.DataFrame]:
    """The point forecasts of every observation from its series' training rows: `train_mean` (their mean) and
    `persistence` (the last of them); NaN for a series with no training row. Bands are NaN (no ensemble)."""
    train = observed[observed["year"] <= split].assign(_month=observed["month"].fillna(7))
    last = train.sort_values(["year", "_month"], kind="stable").groupby("series")["value"].last()
    values = {"train_mean": train.groupby("series")["value"].mean(), "persistence": last}
    out = {}
    for name, per_series in values.items():
        forecast = observed["series"].map(per_series).to_numpy(dtype=float)
        frame = pd.DataFrame({"simulated": forecast, **{b: np.nan for b in BAND}})
        frame["crps"] = np.abs(forecast - observed["value"].to_numpy(dtype=float))
        out[name] = frame
    return out


def band_from_summary(summary: pd.DataFrame, dates: pd.DatetimeIndex, observed: pd.DataFrame) -> pd.DataFrame:
    """The same from a run's summary table (per step and dyad: mean and quantiles over replications).

    The mean of a year is exact (the mean of the monthly means); quantiles of a year's mean cannot be recovered
    from monthly quantiles, so yearly observations get no band (NaN), survey-month ones the month's quantiles.
    """
    rows = []
    for idx, obs, tgt, month in zip(
        matching_steps(dates, observed), observed["observer"], observed["target"], observed["month"], strict=True
    ):
        d = summary[(summary["observer"] == obs) & (summary["target"] == tgt)].set_index("step").sort_index()
        picked = d.iloc[idx]
        single = not pd.isna(month)
        rows.append(
            {
                "simulated": float(picked["mean"].mean()),
                **{name: float(picked[name].iloc[0]) if single else float("nan") for name in BAND},
            }
        )
    return pd.DataFrame(rows, columns=["simulated", *BAND]).assign(crps=np.nan)


# ---------------------------------------------------------------------------------------------------------------
# Tables


def points_table(observed: pd.DataFrame, runs: Mapping[str, pd.DataFrame], split: int = DEFAULT_SPLIT) -> pd.DataFrame:
    """Every observation with each run's simulated value, band and CRPS: one row per run and observation.

    `runs` maps a run's name to `band(...)` of its draws (rows in the order of `observed`), baselines included
    (`baselines(...)`). Rows are ordered by run, series (first appearance) and time.
    """
    sizes = observed["sample_size"] if "sample_size" in observed else pd.Series([pd.NA] * len(observed))
    base = (
        observed[KEYS]
        .reset_index(drop=True)
        .assign(
            window=windows(observed["year"], split),
            value=observed["value"].to_numpy(),
            poll_se=poll_se(observed["value"], sizes),
        )
    )
    order = {name: i for i, name in enumerate(pd.unique(base["series"]))}
    parts = []
    for run, simulated in runs.items():
        part = pd.concat([base, simulated.reset_index(drop=True)], axis=1).assign(run=run)
        part["_order"] = part["series"].map(order)
        parts.append(part.sort_values(["_order", "year", "month"], na_position="first", kind="stable"))
    out = pd.concat(parts, ignore_index=True).drop(columns="_order")
    return out[["run", *KEYS, "window", "value", "poll_se", "simulated", *BAND, "crps"]]


def metrics_table(points: pd.DataFrame, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Per run, series and window with observations: the METRIC_COLUMNS.

    Rows are ordered by series (first appearance), window (train, test) and run (as in `points`).
    """
    rows = []
    for (run, series, window), d in points.groupby(["run", "series", "window"], sort=False):
        o, s = d["value"].to_numpy(), d["simulated"].to_numpy()
        rows.append(
            {
                "run": run,
                "series": series,
                "observer": d["observer"].iloc[0],
                "target": d["target"].iloc[0],
                "window": window,
                "n": len(d),
                "rmse": rmse(o, s),
                "crps": float(d["crps"].mean()) if d["crps"].notna().all() else float("nan"),
                "coverage90": coverage(o, d["p05"], d["p95"]),
                "spearman": spearman(o, s),
                "direction": direction_agreement(o, s, tolerance),
                "pairs": max(len(d) - 1, 0),
                "poll_se": float(d["poll_se"].mean()),
            }
        )
    out = pd.DataFrame(rows, columns=["run", "series", "observer", "target", "window", *METRIC_COLUMNS])
    order = {
        "series": {s: i for i, s in enumerate(pd.unique(points["series"]))},
        "window": {w: i for i, w in enumerate(WINDOWS)},
        "run": {r: i for i, r in enumerate(pd.unique(points["run"]))},
    }
    ranked = out.sort_values(list(order), key=lambda column: column.map(order[column.name]), kind="stable")
    return ranked.reset_index(drop=True)


def verdict(metrics: pd.DataFrame, run: str = "run", window: str = WINDOWS[1], by: str = "crps") -> str:
    """One plain line: in how many series with `window` rows the run beats how many of the references by `by`.

    A reference is counted where it has a score (the training baselines need a training row); "beats" is a
    strictly lower score.
    """
    mine = metrics[(metrics["run"] == run) & (metrics["window"] == window)]
    counts: list[tuple[int, int]] = []  # (beaten, available) per series
    keys = [k for k in ("history", "series") if k in metrics]
    for row in mine.itertuples():
        same = np.logical_and.reduce([metrics[k].to_numpy() == getattr(row, k) for k in keys])
        others = metrics[same & (metrics["window"] == window).to_numpy()]
        scores = {r: v for r, v in zip(others["run"], others[by], strict=True) if r in REFERENCES and not np.isnan(v)}
        mine_score = getattr(row, by)
        if scores and not np.isnan(mine_score):
            counts.append((sum(mine_score < v for v in scores.values()), len(scores)))
    label = "held-out years" if window == WINDOWS[1] else "training years"
    if not counts:
        return f"verdict: no series has {label} to score"
    full = max(available for _, available in counts)
    tally = {k: sum(beaten == k for beaten, _ in counts) for k in range(full, -1, -1)}
    parts = [f"all {full} baselines in {tally[full]} of {len(counts)} series"]
    parts += [f"{k if k else 'none'} in {n}" for k, n in tally.items() if k < full and n]
    fewer = sum(available < full for _, available in counts)
    note = f" ({fewer} of them without a training row, so only beside the no-moves run)" if fewer else ""
    return f"verdict: on the {label}, by {by.upper()}, the run beats " + ", ".join(parts) + note
