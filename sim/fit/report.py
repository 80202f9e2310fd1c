"""What a score or a calibration reports: the metrics as text or JSON, the posterior, the bands over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr

from sim.fit import score
from sim.runs import stats

RUN_LABELS = {
    "run": "run",
    "no_moves": "no moves",
    "train_mean": "train mean",
    "persistence": "persistence",
}
JSON_METRICS = ("rmse", "crps", "coverage90")


def metrics_text(metrics: pd.DataFrame) -> str:
    """The metrics table for a terminal: per series and window, one line per run, the poll's sampling error on
    the first."""
    width = max(8, *(len(s) for s in metrics["series"])) + 2
    lines = [
        f"{'series':<{width}}{'dyad':<13}{'window':<8}{'poll SE':>8}  {'run':<12}{'n':>4}{'RMSE':>8}{'CRPS':>8}"
        f"{'in 90% band':>13}{'direction':>16}"
    ]
    previous: tuple[Any, ...] | None = None
    for row in metrics.itertuples():
        group = (getattr(row, "history", ""), row.series, row.window)
        first = group != previous
        previous = group
        series = row.series if first else ""
        dyad = f"{row.observer} -> {row.target}" if first else ""
        window = row.window if first else ""
        se = _num(row.poll_se, ".3f") if first else ""
        agree = (
            "-" if np.isnan(row.direction) else f"{row.direction:.2f} ({round(row.direction * row.pairs)}/{row.pairs})"
        )
        lines.append(
            f"{series:<{width}}{dyad:<13}{window:<8}{se:>8}  {RUN_LABELS.get(row.run, row.run):<12}{row.n:>4}"
            f"{_num(row.rmse, '.3f'):>8}{_num(row.crps, '.3f'):>8}{_num(row.coverage90, '.2f'):>13}{agree:>16}"
        )
    return "\n".join(lines)


def headline(metrics: pd.DataFrame) -> str:
    """Each run's mean CRPS over series, train and test: the line to read before the verdict."""
    parts = []
    for run in pd.unique(metrics["run"]):
        train, test = (_mean(metrics, run, w, "crps") for w in score.WINDOWS)
        parts.append(f"{RUN_LABELS.get(run, run)} {_num(train, '.3f')} / {_num(test, '.3f')}")
    return "Mean CRPS over series, train / test: " + ", ".join(parts)


def _mean(metrics: pd.DataFrame, run: str, window: str, column: str) -> float:
    values = metrics[(metrics["run"] == run) & (metrics["window"] == window)][column]
    return float(values.mean()) if len(values) else float("nan")


def _num(value: float, fmt: str) -> str:
    return "-" if value is None or np.isnan(value) else format(value, fmt)


def metrics_json(metrics: pd.DataFrame, **info: Any) -> dict[str, Any]:
    """The metrics as `--format json` prints them: per series and window, the run and each reference with rmse,
    crps and coverage90 (null where undefined), beside n and the poll's sampling error; then the verdict."""
    series = []
    keys = ["history", "series"] if "history" in metrics else ["series"]
    for _, rows in metrics.groupby(keys, sort=False):
        first = rows.iloc[0]
        windows = {}
        for window, part in rows.groupby("window", sort=False):
            entry: dict[str, Any] = {"n": int(part["n"].iloc[0]), "poll_se": _plain(part["poll_se"].iloc[0])}
            for r in part.itertuples():
                entry[r.run] = {m: _plain(getattr(r, m)) for m in JSON_METRICS}
            windows[window] = entry
        item = {"series": first["series"], "observer": first["observer"], "target": first["target"]}
        if "history" in metrics:
            item = {"history": first["history"], **item}
        series.append(item | {"windows": windows})
    return {**info, "series": series, "verdict": score.verdict(metrics)}


def _plain(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def bands_table(runs: Mapping[str, xr.DataArray], dyads: Sequence[tuple[str, str]]) -> pd.DataFrame:
    """Per run, dyad and month: mean and quantiles (sim.runs.stats.BANDS) of trust over replications."""
    parts = []
    for name, trust in runs.items():
        dates = score.step_dates(trust)
        for obs, tgt in dyads:
            t = trust.sel(observer=obs, target=tgt).transpose("replication", "step").values
            frame = stats.describe(t, axis=0, bands=stats.BANDS)
            parts.append(
                pd.DataFrame(
                    {
                        "run": name,
                        "observer": obs,
                        "target": tgt,
                        "step": trust["step"].values,
                        "date": dates.strftime("%Y-%m"),
                        **frame,
                    }
                )
            )
    return pd.concat(parts, ignore_index=True)


def parameters_text(table: pd.DataFrame) -> str:
    """The posterior of each fitted parameter beside its prior range (parameters.csv)."""
    width = max(len(p) for p in table["parameter"]) + 2
    lines = [f"{'parameter':<{width}}{'prior':<18}{'posterior mean':>15}{'sd':>9}{'90% interval':>22}"]
    for r in table.itertuples():
        prior = f"[{r.prior_low:g}, {r.prior_high:g}]"
        lines.append(f"{r.parameter:<{width}}{prior:<18}{r.mean:>15.4g}{r.sd:>9.3g}{f'[{r.p05:.4g}, {r.p95:.4g}]':>22}")
    return "\n".join(lines)
