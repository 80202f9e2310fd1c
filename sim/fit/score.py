"""Simulated trust against observed series: the simulated value at each observation, and the metrics.

The simulated value of an observation is the mean over replications of trust in its dyad at its survey month
(the state at the end of that month), or, for a yearly value (no month), of the mean over the year's months that
the run covers. The 90% band is the 5-95% quantiles over replications of the same per-replication value.

Metrics, per series and window (train: years up to the split year, test: after it):

- `rmse`: root mean squared difference between simulated and observed values.
- `spearman`: rank correlation of simulated and observed values (NaN with fewer than 3 points or a constant
  side: the rank order is then undefined). On short, nearly flat series it says little; read it with `rmse`.
- `direction`: the share of consecutive observed pairs (in time order, within the window) whose change the
  simulation matches in sign. A change smaller than `tolerance` (default 0.01: one point, the resolution of
  published polls) counts as no change, on both sides: a pair agrees when both rise, both fall, or both move
  less than the tolerance. So a flat simulation agrees only where the polls were flat too.
- `coverage`: the share of observed values inside the simulated 90% band.
- `n` observations and `pairs` consecutive pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

from sim.runs.stats import FINAL_BANDS, describe
from sim.scenario.schema import Scenario
from sim.util.errors import ConfigError

DEFAULT_SPLIT = 2010
TOLERANCE = 0.01
WINDOWS = ("train", "test")
BAND = FINAL_BANDS  # median and 90% band
KEYS = ["series", "observer", "target", "year", "month"]
METRIC_COLUMNS = ["n", "rmse", "spearman", "direction", "pairs", "coverage"]


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
    out = []
    for year, month in zip(observed["year"], observed["month"], strict=True):
        hit = dates.year == year
        if not pd.isna(month):
            hit &= dates.month == month
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
    for i, (idx, obs, tgt) in enumerate(
        zip(matching_steps(dates, observed), observed["observer"], observed["target"], strict=True)
    ):
        if not len(idx):
            raise ConfigError(f"observation {i} ({obs} -> {tgt}) is outside the run", hint="drop it before scoring")
        if (obs, tgt) not in cache:
            cache[(obs, tgt)] = trust.sel(observer=obs, target=tgt).transpose("replication", "step").values
        out[i] = cache[(obs, tgt)][:, idx].mean(axis=1)
    return out


def band(values: np.ndarray) -> pd.DataFrame:
    """Mean, median and 90% band (BAND) over replications of per-observation draws [point, replication]."""
    described = describe(values, axis=1, bands=BAND)
    return pd.DataFrame({"simulated": described.pop("mean"), **described})


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
    return pd.DataFrame(rows, columns=["simulated", *BAND])


# ---------------------------------------------------------------------------------------------------------------
# Tables


def points_table(observed: pd.DataFrame, runs: Mapping[str, pd.DataFrame], split: int = DEFAULT_SPLIT) -> pd.DataFrame:
    """Every observation with each run's simulated value and band: one row per run and observation.

    `runs` maps a run's name to `band(...)` of its draws (rows in the order of `observed`). Rows are ordered by
    run, series (first appearance) and time.
    """
    base = (
        observed[KEYS]
        .reset_index(drop=True)
        .assign(window=windows(observed["year"], split), value=observed["value"].to_numpy())
    )
    order = {name: i for i, name in enumerate(pd.unique(base["series"]))}
    parts = []
    for run, simulated in runs.items():
        part = pd.concat([base, simulated.reset_index(drop=True)], axis=1).assign(run=run)
        part["_order"] = part["series"].map(order)
        parts.append(part.sort_values(["_order", "year", "month"], na_position="first", kind="stable"))
    out = pd.concat(parts, ignore_index=True).drop(columns="_order")
    return out[["run", *KEYS, "window", "value", "simulated", *BAND]]


def metrics_table(points: pd.DataFrame, tolerance: float = TOLERANCE) -> pd.DataFrame:
    """Per run, series and window with observations: n, rmse, spearman, direction, pairs, coverage.

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
                "spearman": spearman(o, s),
                "direction": direction_agreement(o, s, tolerance),
                "pairs": max(len(d) - 1, 0),
                "coverage": coverage(o, d["p05"], d["p95"]),
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


def mean_rmse(metrics: pd.DataFrame, run: str, window: str = WINDOWS[0]) -> float:
    """The calibration objective: the mean over series of each series' RMSE in `window` (NaN if none)."""
    values = metrics[(metrics["run"] == run) & (metrics["window"] == window)]["rmse"]
    return float(values.mean()) if len(values) else float("nan")
