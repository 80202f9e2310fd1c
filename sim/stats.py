"""The statistics every table, printout and figure shares: the final window, the quantiles, paired differences
and the CSV number format.

Run, compare, sweeps and plots all take their numbers from here, so "final trust" means one thing everywhere:
each replication's mean over the last `FINAL_WINDOW` simulated months (month 0, the essay's starting state, is
never part of it; a run shorter than the window uses all its months). Over replications a final value is
summarised by its mean and the quantiles in `QUANTILES`; a comparison adds the mean paired difference with its 95%
confidence interval and the range of 90% of the per-replication differences.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd
    import xarray as xr

FINAL_WINDOW = 12
QUANTILES = {"p05": 0.05, "p25": 0.25, "p50": 0.5, "p75": 0.75, "p95": 0.95}
BANDS = tuple(QUANTILES)  # every quantile: tables over time
FINAL_BANDS = ("p05", "p50", "p95")  # median and 90% band: tables of final values
DIFFERENCE = ("diff", "diff_low", "diff_high", "diff_p05", "diff_p95")
Z95 = 1.96  # two-sided 95% normal quantile, as the docs state it
FLOAT_FORMAT = "%.6g"


def final_window(steps: int, last: int = FINAL_WINDOW) -> tuple[int, int]:
    """First and last month of the window whose mean is a replication's final value.

    The last `last` months of a run of `steps` months; all of them (1 to `steps`) when the run is shorter.
    """
    if steps < 1 or last < 1:
        raise ValueError(f"need steps >= 1 and last >= 1, got {steps} and {last}")
    return max(1, steps - last + 1), steps


def final_mean(series: xr.DataArray, last: int = FINAL_WINDOW) -> xr.DataArray:
    """Per replication (and any other dimension): the mean of `series` over the final window of its `step`s."""
    first, end = final_window(int(series["step"].max()), last)
    return series.sel(step=slice(first, end)).mean("step")


def in_final_window(steps: np.ndarray, last: int = FINAL_WINDOW) -> np.ndarray:
    """`final_mean` for plain arrays: which of the months `steps` are in the final window (a boolean mask)."""
    first, end = final_window(int(np.max(steps)), last)
    return (steps >= first) & (steps <= end)


def describe(values: xr.DataArray, bands: Sequence[str] = BANDS, dim: str = "replication") -> xr.Dataset:
    """Mean and the named quantiles (p05 ... p95) of `values` over `dim`."""
    import xarray as xr

    q = values.quantile([QUANTILES[b] for b in bands], dim=dim)
    out = {"mean": values.mean(dim)}
    out.update({name: q.isel(quantile=i, drop=True) for i, name in enumerate(bands)})
    return xr.Dataset(out)


def describe_array(values: np.ndarray, axis: int, bands: Sequence[str] = FINAL_BANDS) -> dict[str, np.ndarray]:
    """`describe` for a plain array: {"mean": ..., "p05": ..., ...} over `axis`."""
    q = np.quantile(values, [QUANTILES[b] for b in bands], axis=axis)
    return {"mean": values.mean(axis=axis), **{name: q[i] for i, name in enumerate(bands)}}


def paired(diff: xr.DataArray, dim: str = "replication") -> xr.Dataset:
    """Paired differences over replications (common random numbers): their mean (`diff`), its 95% confidence
    interval (`diff_low`, `diff_high`: mean +- 1.96 sd / sqrt(R)) and the range of 90% of them (`diff_p05`,
    `diff_p95`). With one replication the interval is undefined (NaN)."""
    import xarray as xr

    n = diff.sizes[dim]
    mean = diff.mean(dim)
    half = Z95 * diff.std(dim, ddof=1) / np.sqrt(n) if n > 1 else mean * np.nan
    q = diff.quantile([QUANTILES["p05"], QUANTILES["p95"]], dim=dim)
    return xr.Dataset(
        {
            "diff": mean,
            "diff_low": mean - half,
            "diff_high": mean + half,
            "diff_p05": q.isel(quantile=0, drop=True),
            "diff_p95": q.isel(quantile=1, drop=True),
        }
    )


def paired_array(diff: np.ndarray, axis: int) -> dict[str, np.ndarray]:
    """`paired` for a plain array of differences, over `axis` (the replications): the same five columns."""
    n = diff.shape[axis]
    mean = diff.mean(axis=axis)
    half = Z95 * diff.std(axis=axis, ddof=1) / np.sqrt(n) if n > 1 else np.full_like(mean, np.nan)
    p05, p95 = np.quantile(diff, [QUANTILES["p05"], QUANTILES["p95"]], axis=axis)
    return dict(zip(DIFFERENCE, (mean, mean - half, mean + half, p05, p95), strict=True))


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV in the one number format, with '\\n' line ends: equal numbers give equal bytes."""
    return frame.to_csv(index=False, float_format=FLOAT_FORMAT, lineterminator="\n").encode()


def write_csv(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write `frame` as CSV (see `csv_bytes`) and return the path."""
    path = Path(path)
    path.write_bytes(csv_bytes(frame))
    return path
