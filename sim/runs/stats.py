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


def final_mean(values: np.ndarray, steps: np.ndarray, axis: int = 1, last: int = FINAL_WINDOW) -> np.ndarray:
    """Each replication's final value: the mean of `values` over the final window of the months `steps` that label
    its `axis` (float64). Trust tables, comparisons, sweeps, the dashboard and reports all call this."""
    steps = np.asarray(steps)
    first, end = final_window(int(np.max(steps)), last)
    inside = np.flatnonzero((steps >= first) & (steps <= end))
    return np.take(values, inside, axis=axis).astype(np.float64).mean(axis=axis)


def describe(values: np.ndarray, axis: int, bands: Sequence[str] = FINAL_BANDS) -> dict[str, np.ndarray]:
    """Mean and the named quantiles (p05 ... p95) of `values` over `axis` (the replications)."""
    q = np.quantile(values, [QUANTILES[b] for b in bands], axis=axis)
    return {"mean": values.mean(axis=axis), **{name: q[i] for i, name in enumerate(bands)}}


def paired(diff: np.ndarray, axis: int) -> dict[str, np.ndarray]:
    """Paired differences over `axis` (the replications, on common random numbers): their mean (`diff`), its 95%
    confidence interval (`diff_low`, `diff_high`: mean +- 1.96 sd / sqrt(R)) and the range of 90% of them
    (`diff_p05`, `diff_p95`). With one replication the interval is undefined (NaN)."""
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
