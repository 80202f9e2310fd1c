"""What a score or a calibration reports: the metrics as text, the fitted values as TOML, the bands over time."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import tomli_w
import xarray as xr

from sim.fit import score
from sim.runs import stats

RUN_LABELS = {"no_moves": "no moves", "initial": "as given"}


def metrics_text(metrics: pd.DataFrame) -> str:
    """The metrics table for a terminal: per series and window, one line per run."""
    width = max(8, *(len(s) for s in metrics["series"])) + 2
    lines = [
        f"{'series':<{width}}{'dyad':<13}{'window':<8}{'run':<10}{'n':>4}{'RMSE':>8}{'Spearman':>10}"
        f"{'direction':>16}{'in 90% band':>13}"
    ]
    previous: tuple[str, str] | None = None
    for row in metrics.itertuples():
        first = (row.series, row.window) != previous
        previous = (row.series, row.window)
        series = row.series if first else ""
        dyad = f"{row.observer} -> {row.target}" if first else ""
        window = row.window if first else ""
        agree = (
            "-" if np.isnan(row.direction) else f"{row.direction:.2f} ({round(row.direction * row.pairs)}/{row.pairs})"
        )
        lines.append(
            f"{series:<{width}}{dyad:<13}{window:<8}{RUN_LABELS.get(row.run, row.run):<10}{row.n:>4}"
            f"{_num(row.rmse, '.3f'):>8}{_num(row.spearman, '+.2f'):>10}{agree:>16}{_num(row.coverage, '.2f'):>13}"
        )
    return "\n".join(lines)


def rmse_headline(metrics: pd.DataFrame) -> str:
    """Each run's mean RMSE over series, train and test: the one line to read first."""
    parts = []
    for run in pd.unique(metrics["run"]):
        train, test = (score.mean_rmse(metrics, run, w) for w in score.WINDOWS)
        parts.append(f"{RUN_LABELS.get(run, run)} {_num(train, '.3f')} / {_num(test, '.3f')}")
    return "Mean RMSE over series, train / test: " + ", ".join(parts)


def _num(value: float, fmt: str) -> str:
    return "-" if value is None or np.isnan(value) else format(value, fmt)


def fitted_values(paths: Sequence[str], x: Sequence[float], integer: Sequence[bool]) -> dict[str, float | int]:
    """The fitted numbers by dotted path, as they are set in the scenario (whole numbers rounded)."""
    return {p: round(float(v)) if i else float(v) for p, v, i in zip(paths, x, integer, strict=True)}


def fitted_toml(values: Mapping[str, float | int], header: Sequence[str]) -> str:
    """A TOML snippet: `[parameters]` for parameters.* paths; the other paths as comments (dotted path = value).

    Values keep full precision, so including the snippet reproduces the fitted run exactly.
    """
    params = {p.removeprefix("parameters."): v for p, v in values.items() if p.startswith("parameters.")}
    others = {p: v for p, v in values.items() if not p.startswith("parameters.")}
    out = [f"# {line}" for line in header]
    if params:
        out += ["# Include the [parameters] table in a scenario (or merge its keys into the scenario's own).", ""]
        out.append(tomli_w.dumps({"parameters": params}).rstrip())
    if others:
        out += ["", "# Other fitted numbers, by dotted path (set them where the scenario or world file defines them):"]
        out += [f"# {p} = {v!r}" for p, v in others.items()]
    return "\n".join(out) + "\n"


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


def values_text(paths: Sequence[str], fitted: Sequence[float], initial: Sequence[float], bounds: Any) -> str:
    """The fitted numbers beside their ranges and the scenario's own values."""
    width = max(len(p) for p in paths) + 2
    lines = [f"{'fitted':<{width}}{'value':>12}   {'range':<20}as given"]
    for p, v, v0, (lo, hi) in zip(paths, fitted, initial, bounds, strict=True):
        lines.append(f"{p:<{width}}{v:>12.4g}   {f'[{lo:g}, {hi:g}]':<20}{v0:g}")
    return "\n".join(lines)
