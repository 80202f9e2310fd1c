"""A yardstick to read effects on: how precisely a poll measures trust, and how far it moves in a year.

An effect of +0.06 on trust means little alone. Trust here is read as a share of people with a favourable view
(docs/MODEL.md), so two scales from the observed series (`scenarios/history/observed.csv`) put it in proportion:

- the poll sampling error: a poll of n people measuring a share p is off by up to 1.96 sqrt(p (1 - p) / n) (95%),
  taken over the verified polls that give their sample size; an effect smaller than that could not be seen in a
  poll;
- the swings: the change between consecutive readings of one series at most 12 months apart (months known, or
  consecutive years); the largest says how far real opinion has moved in a year, the median how far it
  usually moves.

Only rows marked verified are used (the others are kept in the file, not to be relied on). `yardstick` is a pure
function of the table; `observed` reads the bundled file once. The comparison printout, `explain`, the report
and the dashboard all print `Yardstick.text()`.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.scenario.load import scenario_dir
from sim.util.errors import ConfigError

Z95 = 1.96
MONTE_CARLO = (
    "Bracketed intervals are Monte Carlo precision (how well the replications pin down the mean), not uncertainty "
    "about the model's parameters or structure."
)


@dataclass(frozen=True)
class Swing:
    """One change between consecutive readings of a series."""

    series: str
    observer: str
    target: str
    before: str  # "2005-05", or "2004" for a yearly reading
    after: str
    change: float  # after minus before


@dataclass(frozen=True)
class Yardstick:
    """The scales an effect on trust is read on (see the module's docstring)."""

    sampling_error: float  # median 95% margin of the polls with a sample size
    sampling_range: tuple[float, float]  # smallest and largest margin
    polls: int  # how many polls gave a sample size
    largest: Swing  # the largest one-year change, by size
    typical_swing: float  # median size of the one-year changes
    swings: int  # how many one-year changes there are

    def lines(self, width: int = 112) -> list[str]:
        """`text()` wrapped for a terminal."""
        return textwrap.wrap(self.text(), width)

    def text(self) -> str:
        """Two sentences for printouts: the scales, then what the bracketed intervals are."""
        s = self.largest
        return (
            f"Yardstick: a poll's 95% sampling error is about ±{self.sampling_error:.3f} (median of {self.polls} "
            f"verified polls with a sample size, {self.sampling_range[0]:.3f} to {self.sampling_range[1]:.3f}); "
            f"within a year, observed opinion moved by {self.typical_swing:.3f} in the median case and by at most "
            f"{abs(s.change):.3f} ({s.observer}->{s.target}, {s.series}, {s.before} to {s.after}; {self.swings} "
            f"changes). {MONTE_CARLO}"
        )


def sampling_error(share: np.ndarray | float, n: np.ndarray | float) -> np.ndarray:
    """The 95% margin of a poll of `n` people measuring a share: 1.96 sqrt(p (1 - p) / n)."""
    p = np.asarray(share, dtype=float)
    return Z95 * np.sqrt(p * (1.0 - p) / np.asarray(n, dtype=float))


def _label(year: int, month: float) -> str:
    return f"{year}" if pd.isna(month) else f"{year}-{int(month):02d}"


def one_year_swings(observed: pd.DataFrame) -> list[Swing]:
    """Changes between consecutive readings of each series that are at most 12 months apart (by month when both
    months are known, else by year), in file order within a series."""
    out = []
    for series, rows in observed.groupby("series", sort=False):
        rows = rows.sort_values(["year", "month"], na_position="first")
        previous = None
        for row in rows.itertuples():
            if previous is not None:
                both = not (pd.isna(previous.month) or pd.isna(row.month))
                gap = 12 * (row.year - previous.year) + (row.month - previous.month if both else 0)
                if 0 < gap <= 12:
                    out.append(
                        Swing(
                            str(series),
                            row.observer,
                            row.target,
                            _label(previous.year, previous.month),
                            _label(row.year, row.month),
                            float(row.value - previous.value),
                        )
                    )
            previous = row
    return out


def yardstick(observed: pd.DataFrame) -> Yardstick:
    """The yardstick of an observed-series table (columns series, observer, target, year, month, value,
    sample_size, verified), from its verified rows."""
    verified = observed[observed["verified"].astype(str).str.lower().isin(("yes", "true", "1"))]
    sized = verified.dropna(subset=["sample_size"])
    swings = one_year_swings(verified)
    if sized.empty or not swings:
        raise ConfigError("has no verified polls with a sample size, or no two within a year", key="observed")
    margins = sampling_error(sized["value"].to_numpy(), sized["sample_size"].to_numpy())
    sizes = np.abs([s.change for s in swings])
    return Yardstick(
        sampling_error=float(np.median(margins)),
        sampling_range=(float(margins.min()), float(margins.max())),
        polls=len(sized),
        largest=swings[int(np.argmax(sizes))],
        typical_swing=float(np.median(sizes)),
        swings=len(swings),
    )


def observed_file() -> Path:
    """The bundled observed series."""
    return scenario_dir() / "history" / "observed.csv"


@cache
def observed() -> Yardstick:
    """The yardstick of the bundled observed series (read once per process)."""
    return yardstick(pd.read_csv(observed_file()))
