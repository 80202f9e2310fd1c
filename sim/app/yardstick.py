"""The scale a difference in trust should be read on, from the observed poll series (scenarios/history/observed.csv).

Two numbers: the sampling error of a poll (the 95% margin, 1.96 * sqrt(p (1 - p) / n), of the median verified poll
that reports its sample size) and the largest change from one year to the next within one verified series. An
effect well inside the first is below what polls could detect; one beyond the second is larger than anything seen
in a year. Interim: the analyst's `sim.runs.yardstick` replaces this module once it is on main.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from sim.app.sources import HISTORY
from sim.scenario.load import scenario_dir

OBSERVED = "observed.csv"


@dataclass(frozen=True)
class Yardstick:
    sampling_error: float  # 95% margin of the median verified poll with a sample size
    polls: int  # how many such polls
    swing: float  # largest change between consecutive years in one verified series
    swing_where: str  # 'USA → PAK (gallup_usa_pak), 2004 to 2005'

    def text(self) -> str:
        return (
            f"Yardstick: a poll's sampling error is about ±{self.sampling_error:.2f} (95% margin, median of"
            f" {self.polls} verified polls); the largest one-year swing observed is {self.swing:.2f}"
            f" ({self.swing_where})."
        )


@cache
def yardstick(path: Path | None = None) -> Yardstick:
    """The yardstick of the observed series at `path` (default: the bundled ones); verified rows only."""
    rows = pd.read_csv(path or scenario_dir() / HISTORY / OBSERVED, usecols=lambda c: c != "source")
    rows = rows[rows["verified"].astype(str).str.lower().isin(["yes", "y", "true", "1"])]
    sized = rows.dropna(subset=["sample_size"])
    margins = 1.96 * np.sqrt(sized["value"] * (1 - sized["value"]) / sized["sample_size"])
    yearly = rows.groupby(["series", "observer", "target", "year"], as_index=False)["value"].mean()
    yearly["change"] = yearly.groupby("series")["value"].diff().abs()
    yearly["gap"] = yearly.groupby("series")["year"].diff()
    top = yearly[yearly["gap"] == 1].sort_values("change").iloc[-1]
    where = f"{top['observer']} → {top['target']} ({top['series']}), {int(top['year']) - 1} to {int(top['year'])}"
    return Yardstick(float(np.median(margins)), len(sized), float(top["change"]), where)
